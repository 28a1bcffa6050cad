"""Predict the grain yield of maize hybrids from SNP genotypes, daily weather and field metadata (G2F G×E).

Modules:

- `hybridpredictmaize.neural`: The neural model on a prepared store: fit, load and predict (with the location vocabulary and the environment-mean offset), fine-tuning from a pre-training run, and `GenotypeRegressor` on dosage arrays.
- `hybridpredictmaize.sim.files`: The simulator's G2F file writers: the competition's file names, columns, encodings, date styles and quoting, the trait, metadata, soil, EC, weather and VCF files written from the truth model.
- `hybridpredictmaize.sim.truth`: The simulator's model of the truth: trials, pedigrees, genomes with linkage, weather, soil, environment means, genetic values with G×E and field trials with their design effects.
- `hybridpredictmaize.sim.weather`: The simulator's daily weather: temperature, rain, radiation, soil wetness, humidity, pressure and wind of one site-year, the 16 NASA POWER variables of the G2F weather files, and the weather covariates around flowering.
- `hybridpredictmaize.simulate`: Synthetic G2F competition folders with a known answer: the embedded default data set and the fixture of the tests (the truth model is `sim.truth`, the file writers `sim.files`).
- `hybridpredictmaize.train`: The training loop of the neural model: AdamW, warm-up and cosine schedule, early stopping on the validation mean per-Env RMSE, mixed precision, checkpoints without pickle, resume, DDP."""

__version__ = "0.1.0"
