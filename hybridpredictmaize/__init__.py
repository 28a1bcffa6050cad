"""Predict the grain yield of maize hybrids from SNP genotypes, daily weather and field metadata (G2F G×E).

Modules:

- `hybridpredictmaize.train`: The training loop of the neural model: AdamW, warm-up and cosine schedule, early stopping on the validation mean per-Env RMSE, mixed precision, checkpoints without pickle, resume, DDP, and genotype pre-training."""

__version__ = "0.1.0"
