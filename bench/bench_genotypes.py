"""Benchmark of genotype conversion and reading (hybridpredictmaize.data.genotypes).

1. VCF -> int8 store on a VCF of 2,000 samples x 50,000 SNPs (GT only, 2 % missing), timed against
   `plink2 --vcf X --make-bed` and `bcftools query -f '[%GT\\t]\\n'` in the same run (skipped with a note when the
   tools are not installed), plus the cyvcf2 path of the library; wall time (best of --repeat) and peak RSS
   of each, each run in its own process.
2. A G2F-size store (4,928 x 437,214 int8, 2.0 GiB) written by the converter from a generator of SNP chunks
   (peak RSS of that writer), then random batches of 64 rows read with `Genotypes.rows`, page cache warm and
   cold (the file's pages dropped with posix_fadvise).
3. `--full`: the full-size VCF (4,928 x 437,214, ~8.6 GB of text) written and converted (peak RSS < 2 GB is the target).

Everything lives in a temporary folder under /tmp, deleted at the end (unless --keep).
Writes bench/results/genotypes.json (genotypes_full.json with --full).  Usage: python bench/bench_genotypes.py [--full] [--keep] [--repeat 3]
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
import pandas as pd

import hybridpredictmaize
from hybridpredictmaize.data.genotypes import (write_vcf, convert_genotypes, open_genotypes, GenotypeSource, SnpChunk)

HERE = Path(__file__).resolve().parent
G2F_N, G2F_P, BATCH = 4928, 437_214, 64


def machine():
    from importlib.metadata import version
    cfg = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name") if isinstance(cfg, dict) else None
    try: mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError): mem = None
    return {"processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(), "memory_bytes": mem,
            "python": platform.python_version(), "numpy": np.__version__, "numpy_blas": blas,
            "torch": version("torch"), "cyvcf2": version("cyvcf2"), "bed_reader": version("bed-reader"),
            "hybridpredictmaize": hybridpredictmaize.__version__, "load_average": os.getloadavg()}


def random_blocks(n, p, chunk=5000, seed=0, missing=0.02):
    "SNP-major int8 blocks (c, n) with U(0.02, 0.98) allele frequencies and `missing` share of -1."
    rng = np.random.default_rng(seed)
    for j in range(0, p, chunk):
        c = min(chunk, p - j)
        f = rng.uniform(0.02, 0.98, (c, 1))
        d = (rng.random((c, n), np.float32) < f).astype(np.int8) + (rng.random((c, n), np.float32) < f)
        d[rng.random((c, n), np.float32) < missing] = -1
        yield d


def snp_map(p):
    chrom = np.repeat(np.arange(1, 11), -(-p // 10))[:p]
    pos = (np.arange(p) % -(-p // 10)) * 500 + 1
    return pd.DataFrame({"chrom": chrom.astype(str), "pos": pos})


def run_measured(cmd):
    "Run a command; (wall s, peak RSS bytes, return code, stderr tail, CPU s user + system) of that process alone."
    timer = shutil.which("time") and Path("/usr/bin/time").exists()
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        # GNU time forks a small process before exec: a fork of this (big) Python process would count our own pages
        full = ["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name, *cmd] if timer else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(proc.pid, 0)
        dt = time.perf_counter() - t0
        err = proc.stderr.read().decode(errors="replace")[-500:]
        rc = os.waitstatus_to_exitcode(status)
        if timer and rc == 0:
            m, u, s = rss_file.read().strip().splitlines()[-1].split()
            rss, cpu = int(m) * 1024, float(u) + float(s)
        else: rss, cpu = ru.ru_maxrss * 1024, ru.ru_utime + ru.ru_stime
    return dt, rss, rc, err, cpu


CONVERT = ("import sys, warnings; warnings.simplefilter('ignore');"
           "from hybridpredictmaize.data.genotypes import convert_genotypes as c;"
           "r = c(sys.argv[1], sys.argv[2], engine=sys.argv[3], progress_bar=False); print(r['shape'])")


def time_tools(vcf: Path, work: Path, repeat: int, with_cyvcf2: bool = True):
    "Time our converter (fast path, and cyvcf2 path once), plink2 and bcftools on `vcf`."
    tools = {"hpm_fast": [sys.executable, "-c", CONVERT, str(vcf), str(work/"store_fast"), "fast"]}
    if with_cyvcf2: tools["hpm_cyvcf2"] = [sys.executable, "-c", CONVERT, str(vcf), str(work/"store_cy"), "cyvcf2"]
    notes = {}
    if shutil.which("plink2"): tools["plink2_make_bed"] = ["plink2", "--vcf", str(vcf), "--make-bed", "--out", str(work/"plink"), "--silent"]
    else: notes["plink2_make_bed"] = "plink2 not installed (apt-get install plink2): skipped"
    if shutil.which("bcftools"): tools["bcftools_query"] = ["bcftools", "query", "-f", "[%GT\\t]\\n", str(vcf)]
    else: notes["bcftools_query"] = "bcftools not installed (apt-get install bcftools): skipped"
    subprocess.run(["cat", str(vcf)], stdout=subprocess.DEVNULL)             # page cache warm for everyone
    runs = {k: [] for k in tools}
    for r in range(repeat):                                                 # interleaved, so load changes hit all alike
        for name, cmd in tools.items():
            if name == "hpm_cyvcf2" and r > 0: continue
            dt, rss, rc, err, cpu = run_measured(cmd)
            if rc != 0: raise RuntimeError(f"{name} failed ({rc}): {err}")
            runs[name].append((dt, rss, cpu))
            print(f"  {name}: {dt:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss / 2**20:.0f} MiB", flush=True)
    out = {k: {"best_s": round(min(r[0] for r in v), 3), "median_s": round(statistics.median(r[0] for r in v), 3),
               "runs_s": [round(r[0], 3) for r in v], "best_cpu_s": round(min(r[2] for r in v), 3),
               "peak_rss_mib": round(max(r[1] for r in v) / 2**20, 1)} for k, v in runs.items()}
    return out, notes


def g2f_size_store(folder: Path, chunk_snps=4096):
    "A 4,928 x 437,214 store written by `convert_genotypes` from a generator (no VCF)."
    snps = snp_map(G2F_P)
    base = np.stack(list(random_blocks(G2F_N, chunk_snps, chunk=chunk_snps, seed=1)))[0]   # one random block, rolled per chunk

    def reader(cs):
        for k, j in enumerate(range(0, G2F_P, cs)):
            c = min(cs, G2F_P - j)
            s = snps.iloc[j:j + c]
            meta = list(zip(s.chrom, s.pos, [f"S{a}_{b}" for a, b in zip(s.chrom, s.pos)], ["A"] * c, ["C"] * c))
            yield SnpChunk({k2: list(v) for k2, v in zip(("chrom", "pos", "snp_id", "ref", "alt"), zip(*meta))},
                           np.roll(base, k, axis=1)[:c])
    src = GenotypeSource(folder/"synthetic", "vcf", "generator", [f"HYB{i:05d}/T{i % 40}" for i in range(G2F_N)], G2F_P, reader)
    return convert_genotypes(src, folder, chunk_snps=chunk_snps, progress_bar=False)


STORE = ("import sys, resource, json; sys.path.insert(0, sys.argv[2]); import bench_genotypes as b; from pathlib import Path;"
         "r = b.g2f_size_store(Path(sys.argv[1]));"
         "print(json.dumps({'seconds': r['seconds'], 'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))")


def batch_reads(folder: Path, n_batches=50, seed=0):
    "Time `Genotypes.rows` on random batches of 64 rows, page cache warm, then cold."
    g = open_genotypes(folder)
    rng = np.random.default_rng(seed)
    res = {}
    for mode in ("warm", "cold"):
        times = []
        for _ in range(n_batches):
            if mode == "cold":   # unmap, drop the file's pages from the page cache, open again: rows come from disk
                del g
                fd = os.open(folder/"dosage.i8", os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)
                g = open_genotypes(folder)
            idx = rng.choice(g.shape[0], BATCH, replace=False)
            t0 = time.perf_counter(); x = g.rows(idx); times.append(time.perf_counter() - t0)
            assert x.shape == (BATCH, G2F_P)
        res[mode] = {"median_ms": round(1e3 * statistics.median(times), 2), "p95_ms": round(1e3 * float(np.percentile(times, 95)), 2),
                     "max_ms": round(1e3 * max(times), 2), "batches": n_batches}
        print(f"  batch of {BATCH} rows ({mode} cache): median {res[mode]['median_ms']} ms, p95 {res[mode]['p95_ms']} ms", flush=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="also convert a full-size (4,928 x 437,214) VCF (~9 GB in /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--repeat", type=int, default=3, help="runs per tool (best and median reported)")
    ap.add_argument("--samples", type=int, default=2000); ap.add_argument("--snps", type=int, default=50_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hpm_bench_geno_", dir="/tmp"))
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
               "note": "wall times depend on the machine's load (see machine.load_average); CPU times (user + system) less so"}
    try:
        n, p = args.samples, args.snps
        print(f"== VCF {n:,} samples x {p:,} SNPs", flush=True)
        vcf = work/"bench.vcf"
        t0 = time.perf_counter(); write_vcf(vcf, random_blocks(n, p), [f"H{i:05d}/T{i % 7}" for i in range(n)], snp_map(p))
        write_s = time.perf_counter() - t0
        tools, notes = time_tools(vcf, work, args.repeat)
        shape = open_genotypes(work/"store_fast").shape
        assert shape == open_genotypes(work/"store_cy").shape
        assert np.array_equal(np.asarray(open_genotypes(work/"store_fast").dosage), np.asarray(open_genotypes(work/"store_cy").dosage))
        conv = {"samples": n, "snps": p, "vcf_bytes": vcf.stat().st_size, "vcf_write_s": round(write_s, 2), "tools": tools, "notes": notes,
                "fast_equals_cyvcf2": True}
        for other, key in (("plink2_make_bed", "plink2"), ("bcftools_query", "bcftools"), ("hpm_cyvcf2", "cyvcf2")):
            if other in tools:   # wall-time and CPU-time ratios (CPU time is the steadier one on a shared machine)
                conv[f"hpm_fast_over_{key}"] = round(tools["hpm_fast"]["best_s"] / tools[other]["best_s"], 3)
                conv[f"hpm_fast_over_{key}_cpu"] = round(tools["hpm_fast"]["best_cpu_s"] / tools[other]["best_cpu_s"], 3)
        results["vcf_conversion"] = conv
        for f in work.glob("store_*"): shutil.rmtree(f)
        vcf.unlink()

        print(f"== G2F-size store {G2F_N:,} x {G2F_P:,} written from SNP chunks", flush=True)
        store = work/"g2f_store"
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", STORE, str(store), str(HERE)], capture_output=True, text=True)
        if out.returncode: raise RuntimeError(out.stderr[-2000:])
        info = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  written in {info['seconds']:.1f} s, writer peak RSS {info['rss'] / 2**20:.0f} MiB", flush=True)
        results["g2f_size_store"] = {"shape": [G2F_N, G2F_P], "dosage_bytes": (store/"dosage.i8").stat().st_size,
                                     "convert_s": info["seconds"], "writer_peak_rss_mib": round(info["rss"] / 2**20, 1),
                                     "process_s": round(time.perf_counter() - t0, 2), "random_batch_64": batch_reads(store)}
        shutil.rmtree(store)

        if args.full:
            print(f"== full-size VCF {G2F_N:,} x {G2F_P:,}", flush=True)
            big = work/"g2f.vcf"
            t0 = time.perf_counter()
            write_vcf(big, random_blocks(G2F_N, G2F_P, chunk=2000), [f"HYB{i:05d}/T{i % 40}" for i in range(G2F_N)], snp_map(G2F_P))
            full = {"vcf_bytes": big.stat().st_size, "vcf_write_s": round(time.perf_counter() - t0, 1)}
            dt, rss, rc, err, cpu = run_measured([sys.executable, "-c", CONVERT, str(big), str(work/"store_full"), "fast"])
            if rc: raise RuntimeError(err)
            full |= {"hpm_fast_s": round(dt, 1), "hpm_fast_cpu_s": round(cpu, 1), "hpm_fast_peak_rss_mib": round(rss / 2**20, 1),
                     "peak_rss_under_2gb": rss < 2 * 10**9}
            print(f"  converted in {dt:.1f} s ({cpu:.1f} s CPU), peak RSS {rss / 2**20:.0f} MiB", flush=True)
            shutil.rmtree(work/"store_full")
            if shutil.which("plink2"):
                dt, rss, rc, err, cpu = run_measured(["plink2", "--vcf", str(big), "--make-bed", "--out", str(work/"plink_full"), "--silent"])
                full |= ({"plink2_s": round(dt, 1), "plink2_cpu_s": round(cpu, 1), "plink2_peak_rss_mib": round(rss / 2**20, 1)}
                         if rc == 0 else {"plink2_error": err})
            results["full_vcf_conversion"] = full
    finally:
        if not args.keep: shutil.rmtree(work, ignore_errors=True)
    (HERE/"results").mkdir(exist_ok=True)
    out = HERE/"results"/("genotypes_full.json" if args.full else "genotypes.json")
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=1))


if __name__ == "__main__":
    main()
