"""Predict the grain yield of maize hybrids from SNP genotypes, daily weather and field metadata (G2F G×E).

Modules:

- `hybridpredictmaize.neural`: The neural model on a prepared store: fit, load and predict (with the location vocabulary and the environment-mean offset), fine-tuning from a pre-training run, and `GenotypeRegressor` on dosage arrays.
- `hybridpredictmaize.train`: The training loop of the neural model: AdamW, warm-up and cosine schedule, early stopping on the validation mean per-Env RMSE, mixed precision, checkpoints without pickle, resume, DDP."""

__version__ = "0.1.0"
