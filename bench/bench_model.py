"""Benchmark of the hybrid yield model (models.fusion, mode gxe, full-size widths): forward + backward
throughput (records/s) and memory against the number of SNPs, for softmax (SDPA) and linear attention.

CPU: small batch, few steps; memory is the activation memory (bytes of the tensors autograd saves for the
backward pass, counted once per storage, parameters excluded) measured in fp32 and under bf16 autocast, plus
the process's peak RSS. The activations of one record at L = 437,214 under bf16 autocast give the estimate
for the target (L = 437,214, batch 32, bf16) on a GPU. On a CUDA GPU (when one is visible): bf16 autocast,
`torch.cuda.max_memory_allocated`, batch 32 at full size with `--full`, and the device name.

Writes bench/results/model.json. `--full` adds forward + backward timing at L = 437,214.
Usage: python bench/bench_model.py [--full] [--steps 3] [--batch 2] [--threads N]
"""
import argparse, contextlib, gc, os, platform, resource, sys, time
from pathlib import Path
import numpy as np
import torch

import hybridpredictmaize
from hybridpredictmaize.core import write_json, human_bytes
from hybridpredictmaize.models.genotype import GenotypeConfig
from hybridpredictmaize.models.weather import WeatherConfig
from hybridpredictmaize.models.fusion import FusionConfig, HybridYieldModel

HERE = Path(__file__).resolve().parent
FULL_L, N_DAYS, N_VARS, N_COV = 437_214, 240, 16, 24
GIB = 2**30


def machine(device):
    cfg = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name") if isinstance(cfg, dict) else None
    out = {"processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
           "torch_threads": torch.get_num_threads(), "python": platform.python_version(), "torch": torch.__version__,
           "numpy": np.__version__, "numpy_blas": blas, "hybridpredictmaize": hybridpredictmaize.__version__,
           "device": str(device)}
    if device.type == "cuda": out["gpu"] = torch.cuda.get_device_name(device)
    return out


def model_cfg(n_snps, attention, grad_checkpoint=False):
    "The full-size gxe model (default widths) sized for `n_snps` SNPs."
    return FusionConfig(mode="gxe", n_env_cov=N_COV,
                        genotype=GenotypeConfig(n_snps=n_snps, attention=attention, grad_checkpoint=grad_checkpoint),
                        weather=WeatherConfig(n_vars=N_VARS, n_days=N_DAYS, attention=attention))


def batch(n_snps, b, device, seed=0):
    g = torch.Generator().manual_seed(seed)
    geno = torch.randint(-1, 3, (b, n_snps), dtype=torch.int8, generator=g)
    weather = torch.randn(b, N_DAYS, N_VARS, generator=g)
    mask = torch.rand(b, N_DAYS, generator=g) > 0.05
    cov, y = torch.randn(b, N_COV, generator=g), torch.randn(b, generator=g)
    return [t.to(device) for t in (geno, weather, mask, cov, y)]


def autocast(device, bf16):
    return torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()


def saved_activation_bytes(model, inputs, device, bf16):
    "Bytes of the tensors autograd saves in one forward pass (unique storages, parameters excluded)."
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    seen = {}
    def pack(t):
        st = t.untyped_storage()
        if st.data_ptr() not in params: seen[st.data_ptr()] = st.nbytes()
        return t
    model.train()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t), autocast(device, bf16):
        out = model(*inputs[:4])
    del out
    return sum(seen.values())


def step_time(model, opt, inputs, device, bf16, steps):
    "Median seconds of a training step (forward, MSE loss, backward, AdamW) after one warm-up step."
    times = []
    for i in range(steps + 1):
        if device.type == "cuda": torch.cuda.synchronize()
        t0 = time.perf_counter()
        with autocast(device, bf16):
            loss = torch.nn.functional.mse_loss(model(*inputs[:4]).float(), inputs[4])
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        if device.type == "cuda": torch.cuda.synchronize()
        if i: times.append(time.perf_counter() - t0)
    return float(np.median(times))


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_case(n_snps, attention, b, steps, device, bf16, timing=True):
    torch.manual_seed(0)
    cfg = model_cfg(n_snps, attention)
    model = HybridYieldModel(cfg).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    inputs = batch(n_snps, b, device)
    row = {"n_snps": n_snps, "attention": attention, "batch": b, "bf16": bf16, "params": n_params,
           "stages": cfg.genotype.stages, "tokens": cfg.genotype.n_tokens(n_snps), "channels": cfg.genotype.channels}
    row["act_bytes_per_record_fp32"] = saved_activation_bytes(model, inputs, device, False) / b
    row["act_bytes_per_record_bf16"] = saved_activation_bytes(model, inputs, device, True) / b
    if timing:
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        if device.type == "cuda": torch.cuda.reset_peak_memory_stats(device)
        dt = step_time(model, opt, inputs, device, bf16, steps)
        row.update(step_s=round(dt, 4), records_per_s=round(b / dt, 2))
        if device.type == "cuda": row["peak_gpu_bytes"] = torch.cuda.max_memory_allocated(device)
    row["peak_rss_bytes"] = peak_rss()
    del model, inputs; gc.collect()
    if device.type == "cuda": torch.cuda.empty_cache()
    return row


def estimate_full(per_record_bf16, n_params, b=32):
    "GPU memory for training at L = 437,214 with batch `b` in bf16 autocast, AdamW, fp32 master weights."
    act = per_record_bf16 * b
    states = n_params * 4 * 4  # weights, gradients, AdamW exp_avg and exp_avg_sq in fp32
    # transient, not saved: the fp32 SNP embedding (B, L, d_embed) is built from two (B, L, d_embed) sums and a pad
    transient = 3 * b * FULL_L * GenotypeConfig().d_embed * 4
    total = act + states + transient
    return {"batch": b, "activations_bytes": act, "param_grad_adam_bytes": states, "transient_embedding_bytes": transient,
            "total_bytes": total, "total_gib": round(total / GIB, 2), "fits_24gb": total < 24e9,
            "method": "saved-tensor bytes of one record at L=437,214 under CPU bf16 autocast x batch "
                      "+ 16 bytes/parameter (fp32 weights, grads, AdamW) + 3 fp32 (B, L, d_embed) embedding temporaries"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="also time forward + backward at L = 437,214")
    ap.add_argument("--steps", type=int, default=3, help="timed training steps per case (after one warm-up)")
    ap.add_argument("--batch", type=int, default=None, help="records per step (default: 2 on CPU, 32 on GPU)")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    ap.add_argument("--device", default="auto", help="auto, cpu or cuda")
    ap.add_argument("--out", default=str(HERE/"results"/"model.json"))
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    device = torch.device("cuda" if a.device == "auto" and torch.cuda.is_available() else ("cpu" if a.device == "auto" else a.device))
    gpu = device.type == "cuda"
    b = a.batch or (32 if gpu else 2)
    lengths = [10_000, 50_000] + ([FULL_L] if a.full or gpu else [])
    res = {"machine": machine(device), "load_average_at_start": os.getloadavg(), "cases": [], "notes": []}
    t_all = time.perf_counter()
    for L in lengths:
        for att in ("softmax", "linear"):
            t0 = time.perf_counter()
            row = run_case(L, att, b, a.steps, device, bf16=gpu)
            res["cases"].append(row)
            print(f"L={L:>7} {att:7s} batch={b} params={row['params']:,} tokens={row['tokens']} "
                  f"{row.get('records_per_s', '-')} rec/s  act/record fp32 {human_bytes(row['act_bytes_per_record_fp32'])} "
                  f"bf16 {human_bytes(row['act_bytes_per_record_bf16'])}"
                  + (f"  peak GPU {human_bytes(row['peak_gpu_bytes'])}" if gpu else "") + f"  ({time.perf_counter() - t0:.1f} s)", flush=True)
    if not gpu:  # activations of one full-size record (forward only: saved tensors are known after the forward)
        torch.manual_seed(0)
        model = HybridYieldModel(model_cfg(FULL_L, "softmax"))
        inputs = batch(FULL_L, 1, device)
        t0 = time.perf_counter()
        full = {"n_snps": FULL_L, "act_bytes_per_record_fp32": saved_activation_bytes(model, inputs, device, False),
                "act_bytes_per_record_bf16": saved_activation_bytes(model, inputs, device, True),
                "params": sum(p.numel() for p in model.parameters())}
        ck = HybridYieldModel(model_cfg(FULL_L, "softmax", grad_checkpoint=True))
        full["act_bytes_per_record_bf16_grad_checkpoint"] = saved_activation_bytes(ck, inputs, device, True)
        full["measure_s"] = round(time.perf_counter() - t0, 1)
        res["full_size_record"] = full
        del model, ck; gc.collect()
        print(f"L={FULL_L} one record: activations fp32 {human_bytes(full['act_bytes_per_record_fp32'])}, bf16 "
              f"{human_bytes(full['act_bytes_per_record_bf16'])}, bf16 + checkpointing "
              f"{human_bytes(full['act_bytes_per_record_bf16_grad_checkpoint'])}", flush=True)
        est = estimate_full(full["act_bytes_per_record_bf16"], full["params"])
        est_ck = estimate_full(full["act_bytes_per_record_bf16_grad_checkpoint"], full["params"])
        res["estimate_gpu_L437214_batch32_bf16"] = est
        res["estimate_gpu_L437214_batch32_bf16_grad_checkpoint"] = est_ck
        print(f"estimate for L={FULL_L}, batch 32, bf16 on a GPU: {est['total_gib']} GiB "
              f"({est_ck['total_gib']} GiB with gradient checkpointing)", flush=True)
        res["notes"].append("CPU autocast saves bf16 copies where CUDA autocast does (linear, conv, matmul); "
                            "SDPA on CUDA (flash / memory-efficient) saves only its output and log-sum-exp, as the CPU flash kernel does.")
    res["total_s"] = round(time.perf_counter() - t_all, 1)
    write_json(a.out, res)
    print(f"wrote {a.out} in {res['total_s']} s")


if __name__ == "__main__":
    main()
