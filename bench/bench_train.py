"""Training throughput of the neural `gxe` model (records per second of an epoch, validation included), before and
after encoding each distinct genotype and environment of a batch once, in one process, interleaved.

Each timing is a `train_loop` run of `--epochs` epochs (default 3, no early stop). `train_records_per_s` is the
steady state: training records over the median of the epochs after the first, as the run's own log times them
(training steps and the validation predictions of the epoch); `run_records_per_s` divides the records of all
epochs by the whole run (model set-up, the first epoch's warm-up, checkpoints, log and learning-curve plot
included).

Paths, all through `train.train_loop` (one epoch per timing, checkpoint included):
- `per-record`: every record's genotype and weather encoded on their own, batches collated record by record (the
  library before this benchmark: the model wrapped without `geno_ids` / `env_ids`, the dataset without `batch`);
- `distinct`: the default loop (batch fetched whole, each distinct genotype row and Env of a batch encoded once);
- `distinct + hybrid groups`: also `TrainConfig(hybrid_group=4)`, a hybrid's records drawn into one batch.

Data: the real G2F 2014-2016 folder (../shared/data/g2f_real_2014_2016; train 2014-2015, validate on 2016) and
the simulator's `small` preset (the demo's split), both with the `small` model (`pipeline.neural_config`).
`--accuracy` fits the `gxe` model on the demo's `small` preset, seeds 0 and 1, with and without hybrid groups
(validation mean per-Env RMSE and r of the best epoch): the check that decides whether `hybrid_group` may become the
default. `--full` adds training steps of the `full` model at L = 437,214 SNPs on random dosages (batches of `--full-batch`
records: 2 hybrids x 4 Env, as hybrid groups of 4 give), per-record against distinct.

    python bench/bench_train.py [--repeats 3] [--epochs 3] [--threads N] [--full] [--accuracy] [--device cpu]
Writes bench/results/train.json.
"""
import argparse, dataclasses, json, os, platform, tempfile, time, warnings
from pathlib import Path
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset
import hybridpredictmaize
from hybridpredictmaize.core import write_json
from hybridpredictmaize.data.store import prepare
from hybridpredictmaize.data.dataset import G2FDataset
from hybridpredictmaize.data.environments import env_meta
from hybridpredictmaize.pipeline import neural_config, train_val_records
from hybridpredictmaize.neural import build_model
from hybridpredictmaize.train import TrainConfig, TargetScaler, DistContext, train_loop, make_optimizer, train_step

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent/"shared"/"data"/"g2f_real_2014_2016"
FULL_L = 437_214


class PerRecordModel(nn.Module):
    "The model called without record ids: every record's genotype and weather encoded on their own."
    def __init__(self, model): super().__init__(); self.inner = model
    def forward(self, geno, weather, weather_mask, env_cov, location=None):
        return self.inner(geno, weather, weather_mask, env_cov, location=location)
    def penalty(self): return self.inner.penalty()
    def ridge_parameters(self): return self.inner.ridge_parameters()


class ItemDataset(Dataset):
    "The dataset without its `batch` method: the loader collates record by record."
    def __init__(self, ds): self.ds = ds
    def __len__(self): return len(self.ds)
    def __getitem__(self, i): return self.ds[i]
    def __getitems__(self, idx): return self.ds.__getitems__(idx)


def datasets(store):
    "Training and validation datasets and records of a store, the `small` gxe config with its location vocabulary."
    tr, va = train_val_records(store)
    locs = sorted(set(env_meta(store, list(tr.Env.unique()))[0]))
    cfg = dataclasses.replace(neural_config(store, "gxe", "small"), n_locations=len(locs))
    return cfg, tr, va, G2FDataset(store, tr, locations=locs), G2FDataset(store, va, locations=locs)


def epoch_seconds(store, path, work, seed=0, epochs=3):
    "Seconds of a steady-state epoch of `path` (median of the logged epochs after the first) and of the whole run per epoch."
    cfg, tr, va, tds, vds = datasets(store)
    torch.manual_seed(seed)
    model = build_model(cfg, store)
    tcfg = TrainConfig(epochs=epochs, patience=0, seed=seed, hybrid_group=4 if path == "distinct + hybrid groups" else 0)
    if path == "per-record": model, tds, vds = PerRecordModel(model), ItemDataset(tds), ItemDataset(vds)
    run = Path(tempfile.mkdtemp(dir=work))
    t0 = time.perf_counter()
    res = train_loop(model, tds, vds, va, tcfg, run, TargetScaler.fit(tr.Yield_Mg_ha), ctx=DistContext())
    dt = time.perf_counter() - t0
    logged = [json.loads(line)["seconds"] for line in (run/"metrics.jsonl").read_text().splitlines()]
    tb = lambda ds: len(np.unique(getattr(ds, "ds", ds).hybrid_idx))
    return float(np.median(logged[1:] or logged)), dict(
        run_s_per_epoch=dt / len(logged), n_train=len(tds), n_val=len(vds), n_hybrids_train=tb(tds), n_env_train=int(tr.Env.nunique()),
        val_mean_env_rmse=round(float(res["best_val_mean_env_rmse"]), 4))


def throughput(name, store, work, repeats, paths, epochs=3):
    "Interleaved repeats of each path on one store: median seconds, records/s and the ratio to `per-record`."
    times, runs, facts = {p: [] for p in paths}, {p: [] for p in paths}, {}
    for r in range(repeats):
        for p in paths:
            dt, facts[p] = epoch_seconds(store, p, work, epochs=epochs)
            times[p].append(dt); runs[p].append(facts[p].pop("run_s_per_epoch"))
            print(f"{name:10s} {p:26s} repeat {r}: epoch {dt:6.2f} s  {facts[p]['n_train'] / dt:7.1f} train records/s "
                  f"(whole run {facts[p]['n_train'] / runs[p][-1]:7.1f})", flush=True)
    out = {}
    for p in paths:
        med, run = float(np.median(times[p])), float(np.median(runs[p]))
        out[p] = dict(epoch_s=round(med, 3), train_records_per_s=round(facts[p]["n_train"] / med, 1),
                      run_records_per_s=round(facts[p]["n_train"] / run, 1),
                      speedup_vs_per_record=round(float(np.median(times["per-record"])) / med, 2), seconds=[round(t, 3) for t in times[p]],
                      epochs_per_run=epochs, **facts[p])
    return out


def full_steps(device, steps, batch, seed=0):
    "Training steps of the full-size model at L = 437,214 on random dosages: per-record against distinct."
    from hybridpredictmaize.models.fusion import FusionConfig, HybridYieldModel
    from hybridpredictmaize.models.genotype import GenotypeConfig
    from hybridpredictmaize.models.weather import WeatherConfig
    g = torch.Generator().manual_seed(seed)
    n_h, n_e = max(1, batch // 4), 4
    hyb, env = torch.arange(batch) % n_h, torch.arange(batch) // n_h % n_e
    geno = torch.randint(-1, 3, (n_h, FULL_L), dtype=torch.int8, generator=g)[hyb]
    weather, mask = torch.randn(n_e, 240, 16, generator=g)[env], (torch.rand(n_e, 240, generator=g) > 0.05)[env]
    cov, y = torch.randn(n_e, 24, generator=g)[env], torch.randn(batch, generator=g)
    cfg = FusionConfig(mode="gxe", n_env_cov=24, genotype=GenotypeConfig(n_snps=FULL_L), weather=WeatherConfig(n_vars=16, n_days=240))
    torch.manual_seed(seed)
    model = HybridYieldModel(cfg).to(device)
    opt, tcfg = make_optimizer(model, TrainConfig()), TrainConfig()
    args = [t.to(device) for t in (geno, weather, mask, cov)]
    ids = dict(geno_ids=hyb.to(device), env_ids=env.to(device))
    times = {"per-record": [], "distinct": []}
    for s in range(steps + 1):
        for p in times:
            if device.type == "cuda": torch.cuda.synchronize()
            t0 = time.perf_counter()
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                pred = model(*args, **(ids if p == "distinct" else {}))
            loss = nn.functional.mse_loss(pred.float(), y.to(device))
            train_step(model, opt, loss, tcfg, 10, 1000)
            if device.type == "cuda": torch.cuda.synchronize()
            if s: times[p].append(time.perf_counter() - t0)   # the first step of each path warms up
    out = {p: dict(step_s=round(float(np.median(t)), 3), records_per_s=round(batch / float(np.median(t)), 2)) for p, t in times.items()}
    out["distinct"]["speedup_vs_per_record"] = round(out["per-record"]["step_s"] / out["distinct"]["step_s"], 2)
    return dict(n_snps=FULL_L, batch=batch, hybrids_per_batch=n_h, env_per_batch=n_e, steps=steps, **out)


def accuracy(work, seeds=(0, 1), group=4):
    "Best validation scores of `gxe` on the demo's small preset, per seed, without and with hybrid groups."
    from hybridpredictmaize.simulate import simulate
    from hybridpredictmaize.neural import fit_neural
    out = {}
    for seed in seeds:
        store = prepare(simulate(work/f"acc_sim{seed}", preset="small", seed=seed), work/f"acc_prep{seed}")
        tr, va = train_val_records(store)
        for hg in (0, group):
            t0 = time.perf_counter()
            r = fit_neural(store, tr, va, neural_config(store, "gxe", "small"), TrainConfig(seed=seed, hybrid_group=hg),
                           work/f"acc_run{seed}_{hg}", device="cpu")
            out[f"seed {seed}, hybrid_group {hg}"] = row = dict(
                val_mean_env_rmse=round(r["best_val_mean_env_rmse"], 4), val_mean_env_r=round(r["val"]["mean_env_r"], 4),
                epochs=r["epochs_run"], seconds=round(time.perf_counter() - t0, 1))
            print(f"accuracy seed {seed} hybrid_group {hg}: {row}", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="interleaved runs per path and data set")
    ap.add_argument("--epochs", type=int, default=3, help="epochs per run (the first is not counted in the steady state)")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    ap.add_argument("--full", action="store_true", help="also time training steps of the full model at L = 437,214")
    ap.add_argument("--full-steps", type=int, default=2, help="timed steps per path at full size (after one warm-up)")
    ap.add_argument("--full-batch", type=int, default=8, help="records per step at full size")
    ap.add_argument("--accuracy", action="store_true", help="also fit gxe on the demo preset, seeds 0 and 1, with and without hybrid groups")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (the full-size case)")
    ap.add_argument("--skip-data", action="store_true", help="only the full-size case")
    ap.add_argument("--out", default=str(HERE/"results"/"train.json"))
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("HPM_PROGRESS", "0")
    if a.threads: torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    res = {"machine": {"processor": platform.machine(), "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
                       "torch": torch.__version__, "hybridpredictmaize": hybridpredictmaize.__version__,
                       "load_average_at_start": list(os.getloadavg())}, "cases": {}}
    if device.type == "cuda": res["machine"]["gpu"] = torch.cuda.get_device_name(device)
    work = Path(tempfile.mkdtemp(prefix="hpm_bench_train_"))
    t_all = time.perf_counter()
    paths = ("per-record", "distinct", "distinct + hybrid groups")
    if not a.skip_data:
        from hybridpredictmaize.simulate import simulate
        stores = {"g2f_real_2014_2016": lambda: prepare(REAL, work/"real"),
                  "demo_small": lambda: prepare(simulate(work/"sim", preset="small", seed=0), work/"sim_prep")}
        for name, make in stores.items():
            res["cases"][name] = throughput(name, make(), work, a.repeats, paths, a.epochs)
    if a.accuracy: res["hybrid_group_accuracy"] = accuracy(work)
    if a.full:
        res["cases"]["full_L437214"] = full = full_steps(device, a.full_steps, a.full_batch)
        print(f"full L={FULL_L} batch {a.full_batch}: per-record {full['per-record']['records_per_s']} records/s, "
              f"distinct {full['distinct']['records_per_s']} records/s", flush=True)
    res["load_average_at_end"] = list(os.getloadavg())
    res["total_s"] = round(time.perf_counter() - t_all, 1)
    write_json(a.out, res)
    print(f"wrote {a.out} in {res['total_s']} s")


if __name__ == "__main__":
    main()
