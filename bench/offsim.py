"""An independent G2F-format simulator ("off-simulator") for checking the library on data it was not designed around.

Written from scratch with numpy/pandas only; it shares no code, formula or random stream with
`hybridpredictmaize.sim` / `hybridpredictmaize.simulate`. `write_offsim(out_dir, seed, size)` writes a folder laid
out like the G2F 2022 competition release (Training_Data/, Testing_Data/) plus `truth/` with the withheld 2022
yields, so that `hpm prepare OUT PREP` reads it and `hpm evaluate PRED truth/Truth_Yield_2022.csv` scores against it.

The mechanisms (chosen to be agronomically plausible, not to match any single formula):

* Sites: 11 real-ish G2F locations (lat/lon/elevation, soil texture, irrigation) with their own climate: annual
  mean temperature and seasonal amplitude from latitude plus a continentality offset, a monthly rainfall regime,
  diurnal range and dew-point depression by aridity. Years 2016-2022; 2022 is the test year.
* Daily weather, 1 Jan - 31 Dec: rain from a two-state Markov chain with gamma amounts; temperature anomalies
  AR(1) with wet-day cooling; regional droughts (a random centre per year, intensity decaying with distance) that
  cut rain and warm the summer; radiation from the FAO extraterrestrial radiation and a sunshine fraction
  (Angstrom); humidity, wet-bulb, specific humidity, pressure by elevation, wind.
* Crop: planting date per location, shifted by a wet spring; thermal time (base 10, cap 30 degC) sets an
  approximate flowering date and maturity; a daily soil-water bucket (capacity from sand content, Hargreaves
  ET0, crop coefficient by stage, runoff, irrigation where irrigated) gives a water-deficit index around
  flowering, in the vegetative phase and in grain fill; heat above 33 degC around flowering, hot nights and
  radiation in grain fill. The Env mean multiplies these stresses onto a radiation-limited potential and adds a
  location effect, a genetic-gain trend (+0.07 Mg/ha/yr) and an unexplained year x location term.
* Genomes: 10 chromosomes, haplotype blocks (2-6 haplotypes each, pool-specific haplotype frequencies for two
  heterotic pools); new inbreds are block-wise recombinants of earlier lines or new germplasm; hybrids are
  line x tester crosses, dosage = sum of the parents' alleles. A few genotype calls are missing.
* Genetic value: additive QTL + dominance (heterozygote effects, positive on average) + a non-genomic SCA term;
  G x E: a genomic drought-tolerance slope on the flowering water deficit, a genomic maturity that pays in long
  seasons, genetic effects scaled with the Env's yield level, and a random Env x hybrid term.
* Trials: ~60 of a year's ~70 entries per Env, 2 replicates in incomplete blocks on a Range x Pass grid with a
  smooth field trend, replicate and block effects, heteroscedastic plot noise, ~1.5 % missing yields, commercial
  checks with yields set to NA (as in G2F). Hybrids are re-tested across years; most 2022 hybrids were tested
  before.

    python bench/offsim.py OUT [--seed 0] [--size small]
"""
from __future__ import annotations
import argparse, json, math
from pathlib import Path
import numpy as np
import pandas as pd

__all__ = ["SIZES", "LOCATIONS", "write_offsim"]

SIZES = {
    # entries: hybrids per year's trial, per_env: hybrids grown in one Env, carry: share re-tested from earlier years
    "tiny":  dict(n_snps=600, envs_per_year=(3, 3, 3, 3, 3, 3), test_envs=3, entries=30, per_env=25, carry=0.4,
                  test_entries=30, test_known=0.75, n_testers=4, founders_a=16, founders_b=6),
    "small": dict(n_snps=2000, envs_per_year=(7, 7, 6, 7, 7, 6), test_envs=6, entries=70, per_env=60, carry=0.4,
                  test_entries=66, test_known=0.78, n_testers=6, founders_a=30, founders_b=8),
    "medium": dict(n_snps=5000, envs_per_year=(9, 9, 9, 10, 10, 10), test_envs=8, entries=140, per_env=120, carry=0.4,
                   test_entries=130, test_known=0.78, n_testers=6, founders_a=50, founders_b=10),
}
TRAIN_YEARS = (2016, 2017, 2018, 2019, 2020, 2021)
TEST_YEAR = 2022

# code, city, state, lat, lon, elevation m, planting day of year, annual rain mm, rain regime, sand %, clay %,
# continentality (degC added to the seasonal amplitude), aridity 0-1, irrigated, location effect Mg/ha
LOCATIONS = pd.DataFrame([
    ("IAH1", "Ames", "IA", 42.01, -93.75, 300, 124, 890, "cornbelt", 22, 30, 0.3, 0.25, False, 0.6),
    ("ILH1", "Urbana", "IL", 40.06, -88.23, 220, 118, 1010, "cornbelt", 12, 28, -0.5, 0.15, False, 0.8),
    ("INH1", "West Lafayette", "IN", 40.47, -86.99, 200, 121, 990, "cornbelt", 30, 24, -0.8, 0.15, False, 0.4),
    ("NEH1", "Mead", "NE", 41.17, -96.47, 350, 122, 740, "plains", 18, 32, 0.5, 0.45, False, 0.2),
    ("NEH3", "North Platte", "NE", 41.09, -100.77, 850, 127, 510, "plains", 48, 14, 0.8, 0.75, True, 0.5),
    ("WIH1", "Madison", "WI", 43.07, -89.41, 270, 130, 870, "cornbelt", 28, 20, 0.3, 0.2, False, 0.0),
    ("MNH1", "Waseca", "MN", 44.07, -93.55, 350, 132, 850, "cornbelt", 24, 30, 0.6, 0.25, False, -0.2),
    ("NYH2", "Aurora", "NY", 42.73, -76.66, 250, 135, 900, "eastern", 34, 22, -1.5, 0.1, False, -0.5),
    ("DEH1", "Georgetown", "DE", 38.64, -75.20, 10, 113, 1110, "eastern", 78, 6, -1.5, 0.2, False, -0.2),
    ("TXH1", "College Station", "TX", 30.55, -96.43, 90, 78, 1010, "texas", 52, 20, 0.0, 0.6, False, -0.3),
    ("GAH1", "Tifton", "GA", 31.50, -83.55, 110, 88, 1200, "southeast", 76, 8, -1.0, 0.3, True, -0.4),
], columns=["code", "city", "state", "lat", "lon", "elev", "plant_doy", "rain_mm", "regime", "sand", "clay",
            "contin", "aridity", "irrigated", "loc_effect"]).set_index("code")

# monthly rainfall weights (Jan..Dec) by regime
REGIMES = {
    "cornbelt":  [0.55, 0.6, 0.9, 1.15, 1.45, 1.5, 1.25, 1.1, 1.0, 0.9, 0.85, 0.6],
    "plains":    [0.35, 0.4, 0.7, 1.05, 1.7, 1.8, 1.4, 1.2, 0.9, 0.7, 0.45, 0.35],
    "eastern":   [0.9, 0.85, 1.0, 1.0, 1.0, 1.05, 1.1, 1.05, 1.0, 1.0, 0.95, 0.95],
    "texas":     [0.85, 0.85, 0.95, 1.05, 1.4, 1.15, 0.6, 0.65, 1.05, 1.3, 0.95, 0.85],
    "southeast": [1.05, 1.05, 1.15, 0.85, 0.8, 1.2, 1.45, 1.25, 0.85, 0.7, 0.75, 0.95],
}
WEATHER_COLS_TRAIN = ["Env", "Date", "QV2M", "T2MDEW", "PS", "RH2M", "WS2M", "GWETTOP", "ALLSKY_SFC_SW_DWN",
                      "ALLSKY_SFC_PAR_TOT", "T2M_MAX", "T2M_MIN", "T2MWET", "GWETROOT", "T2M", "GWETPROF",
                      "ALLSKY_SFC_SW_DNI", "PRECTOTCORR"]
WEATHER_COLS_TEST = ["Env", "Date", "QV2M", "PS", "WS2M", "ALLSKY_SFC_SW_DWN", "RH2M", "GWETTOP", "T2MWET", "T2M_MAX",
                     "T2MDEW", "GWETROOT", "GWETPROF", "T2M", "T2M_MIN", "ALLSKY_SFC_PAR_TOT", "PRECTOTCORR",
                     "ALLSKY_SFC_SW_DNI"]
TRAIT_COLS = ["Env", "Year", "Field_Location", "Experiment", "Replicate", "Block", "Plot", "Range", "Pass", "Hybrid",
              "Hybrid_orig_name", "Hybrid_Parent1", "Hybrid_Parent2", "Plot_Area_ha", "Date_Planted", "Date_Harvested",
              "Stand_Count_plants", "Pollen_DAP_days", "Silk_DAP_days", "Plant_Height_cm", "Ear_Height_cm",
              "Root_Lodging_plants", "Stalk_Lodging_plants", "Yield_Mg_ha", "Grain_Moisture", "Twt_kg_m3"]
META_COLS = ["Year", "Env", "Experiment_Code", "Treatment", "City", "Farm", "Field",
             "Trial_ID (Assigned by collaborator for internal reference)",
             "Soil_Taxonomic_ID and horizon description, if known",
             "Weather_Station_Serial_Number (Last four digits, e.g. m2700s#####)",
             "Weather_Station_Latitude (in decimal numbers NOT DMS)",
             "Weather_Station_Longitude (in decimal numbers NOT DMS)", "Date_weather_station_placed",
             "Date_weather_station_removed", "Previous_Crop", "Pre-plant_tillage_method(s)",
             "In-season_tillage_method(s)", "Type_of_planter (fluted cone; belt cone; air planter)",
             "System_Determining_Moisture", "Pounds_Needed_Soil_Moisture"] + \
            [f"{a}_of_Field_Corner_#{i} ({p})" for i, p in enumerate(["lower left", "lower right", "upper right",
                                                                       "upper left"], 1)
             for a in ("Latitude", "Longitude")] + \
            ["Cardinal_Heading_Pass_1"] + [f"Issue/comment_#{i}" for i in range(1, 7)] + ["Comments"]
SOIL_COLS = ["Year", "Env", "LabID", "Date Received", "Date Reported", "E Depth", "1:1 Soil pH", "WDRF Buffer pH",
             "1:1 S Salts mmho/cm", "Texture No", "Organic Matter LOI %", "Nitrate-N ppm N", "lbs N/A",
             "Potassium ppm K", "Sulfate-S ppm S", "Calcium ppm Ca", "Magnesium ppm Mg", "Sodium ppm Na",
             "CEC/Sum of Cations me/100g", "%H Sat", "%K Sat", "%Ca Sat", "%Mg Sat", "%Na Sat", "Mehlich P-III ppm P",
             "% Sand", "% Silt", "% Clay", "Texture", "BpH", "Zinc ppm Zn", "Iron ppm Fe", "Manganese ppm Mn",
             "Copper ppm Cu", "Boron ppm B", "Comments"]
SOIL_TEST_DROP = ["BpH", "Zinc ppm Zn", "Iron ppm Fe", "Manganese ppm Mn", "Copper ppm Cu", "Boron ppm B"]
EC_PERIODS = ["pGerEme", "pEmeEnJ", "pEnJFlo", "pFloFla", "pFlaFlw", "pFlwStG", "pStGEnG", "pEnGMat", "pMatHar"]


def ec_columns():
    "The 765 EC column names of the G2F release (6 x 90 layered + Flow 81 + 16 x 9 unlayered)."
    cols = []
    for v in ("SDR", "ESW", "FlowNO3", "Flux", "PAWmm", "SWmm"):
        cols += [f"{v}_{p}_{l}" for l in range(1, 11) for p in EC_PERIODS]
    cols += [f"Flow_{p}_{l}" for l in range(1, 10) for p in EC_PERIODS]
    for v in ("TT", "biomass", "yield", "Eo", "Eos", "Es", "Infiltration", "PotInf", "PotRunoff", "Runoff", "T",
              "WaterTable", "CoverGreen", "CoverTotal", "LAI", "AccumulatedTT"):
        cols += [f"{v}_{p}" for p in EC_PERIODS]
    return cols


# ---------------------------------------------------------------------------------------------------------- climate
def _haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl, dp = np.radians(lon2 - lon1), p2 - p1
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371 * np.arcsin(np.sqrt(a))


def _ra(lat, doy):
    "Extraterrestrial radiation, MJ/m2/day (FAO-56 eq. 21)."
    phi = math.radians(lat)
    dr = 1 + 0.033 * np.cos(2 * np.pi * doy / 365)
    dec = 0.409 * np.sin(2 * np.pi * doy / 365 - 1.39)
    ws = np.arccos(np.clip(-math.tan(phi) * np.tan(dec), -1, 1))
    return 24 * 60 / np.pi * 0.0820 * dr * (ws * math.sin(phi) * np.sin(dec) + math.cos(phi) * np.cos(dec) * np.sin(ws))


def _svp(t):
    "Saturation vapour pressure, kPa."
    return 0.6108 * np.exp(17.27 * t / (t + 237.3))


def year_anomalies(years, rng):
    "Per year: a regional drought (centre, radius, intensity) and a continental summer temperature anomaly."
    out = {}
    for y in years:
        out[y] = dict(d_lat=rng.uniform(30, 45), d_lon=rng.uniform(-102, -75), d_radius=rng.uniform(400, 1100),
                      d_int=float(rng.choice([0.0, rng.uniform(0.2, 0.5), rng.uniform(0.5, 0.9)], p=[0.35, 0.4, 0.25])),
                      d_start=int(rng.integers(155, 200)), d_len=int(rng.integers(30, 65)),
                      t_anom=rng.normal(0, 0.8), spring_wet=rng.normal(0, 1))
    return out


def site_weather(code, year, ya, rng):
    "Daily weather of one location-year (calendar year) and the hidden daily drivers."
    L = LOCATIONS.loc[code]
    dates = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    n, doy, month = len(dates), dates.day_of_year.to_numpy(), dates.month.to_numpy()
    # regional drought: intensity decays with distance from the year's centre
    dist = _haversine_km(L.lat, L.lon, ya["d_lat"], ya["d_lon"])
    drought = ya["d_int"] * math.exp(-(dist / ya["d_radius"]) ** 2) * (0.6 + 0.8 * L.aridity)
    dwin = np.zeros(n)
    s0 = ya["d_start"] + int(rng.integers(-10, 11))
    dwin[max(s0, 0):min(s0 + ya["d_len"], n)] = 1.0
    dwin = np.convolve(dwin, np.ones(9) / 9, mode="same")            # soft edges
    # rain occurrence: two-state Markov chain with monthly wet-day probability
    w = np.asarray(REGIMES[L.regime]); w = w / w.mean()
    ymult = math.exp(rng.normal(0, 0.22))                               # wet or dry year at this site
    spring = 1 + 0.25 * ya["spring_wet"] * (np.isin(month, (3, 4, 5)))
    p_wet = np.clip((0.16 + 0.14 * w[month - 1]) * (1.15 - 0.4 * L.aridity) * spring * (1 - 0.75 * drought * dwin), 0.03, 0.7)
    rho = 0.35
    wet = np.zeros(n, bool)
    u = rng.random(n)
    for i in range(n):
        p = p_wet[i] + rho * (1 - p_wet[i]) if (i and wet[i - 1]) else p_wet[i] * (1 - rho)
        wet[i] = u[i] < p
    days_in_month = pd.Series(dates.days_in_month.to_numpy())
    mean_month_mm = L.rain_mm / 12 * w[month - 1] * ymult
    intensity = mean_month_mm / (days_in_month.to_numpy() * np.maximum(p_wet, 0.03))
    shape = 0.7
    rain = np.where(wet, rng.gamma(shape, intensity / shape), 0.0) * (1 - 0.5 * drought * dwin)
    rain = np.where(wet & (rain < 0.1), 0.1, rain)
    # temperature: seasonal cycle by latitude + continentality, AR(1) anomalies, wet-day cooling, drought heat
    tann = 47 - 0.9 * L.lat - 0.002 * L.elev + 0.3 * L.aridity
    tamp = 0.48 * L.lat - 5.5 + L.contin
    clim = tann + tamp * np.cos(2 * np.pi * (doy - 200) / 365.25)
    e = rng.normal(0, 1, n)
    anom = np.zeros(n)
    phi, sd = 0.78, 2.6
    anom[0] = e[0] * sd
    for i in range(1, n): anom[i] = phi * anom[i - 1] + math.sqrt(1 - phi * phi) * sd * e[i]
    summer = np.exp(-((doy - 200) / 60.0) ** 2)
    site_t = rng.normal(0, 0.6)
    tmean = clim + anom + (ya["t_anom"] + site_t) * summer + 2.2 * drought * dwin - 1.2 * wet
    dtr = np.clip(8.5 + 4 * L.aridity + 2.0 * (~wet) - 2.5 * wet + 1.8 * drought * dwin + rng.normal(0, 1.4, n), 2, 24)
    tmax, tmin = tmean + 0.5 * dtr + 0.2, tmean - 0.5 * dtr + 0.2
    # radiation: extraterrestrial x Angstrom with a sunshine fraction
    sun = np.clip(np.where(wet, 0.28, 0.7 + 0.1 * L.aridity) + rng.normal(0, 0.13, n) + 0.15 * drought * dwin, 0.03, 0.97)
    ra = _ra(L.lat, doy)
    rs = ra * (0.25 + 0.5 * sun)
    # humidity
    dep = np.clip(np.where(wet, 0.6, 1.5 + 5.5 * L.aridity + 2.0 * drought * dwin) + rng.normal(0, 1.0, n), 0, None)
    tdew = np.minimum(tmin - dep, tmean - 0.2)
    ps = 101.3 * ((293 - 0.0065 * L.elev) / 293) ** 5.26
    ea = _svp(tdew)
    rh = np.clip(100 * ea / _svp(tmean), 5, 100)
    qv = 1000 * 0.622 * ea / (ps - 0.378 * ea)
    twet = (tmean * np.arctan(0.151977 * np.sqrt(rh + 8.313659)) + np.arctan(tmean + rh) - np.arctan(rh - 1.676331)
            + 0.00391838 * rh ** 1.5 * np.arctan(0.023101 * rh) - 4.686035)
    twet = np.minimum(twet, tmean)
    wind = rng.gamma(4.0, (2.2 + 2.2 * L.aridity + 0.8 * np.isin(month, (3, 4))) / 4.0)
    df = pd.DataFrame({"Date": dates.strftime("%Y%m%d").astype(int), "T2M": tmean, "T2M_MAX": tmax, "T2M_MIN": tmin,
                       "T2MDEW": tdew, "T2MWET": twet, "QV2M": qv, "RH2M": rh, "PRECTOTCORR": rain, "PS": ps,
                       "WS2M": wind, "ALLSKY_SFC_SW_DWN": rs})
    return df, dict(doy=doy, ra=ra, drought=drought)


# ---------------------------------------------------------------------------------------------------------- crop
def crop_season(code, year, wx, ya, rng, plant_doy):
    "Phenology and stress indices of one Env from its daily weather (water bucket, heat, radiation)."
    L = LOCATIONS.loc[code]
    tmax, tmin, tmean = wx.T2M_MAX.to_numpy(), wx.T2M_MIN.to_numpy(), wx.T2M.to_numpy()
    rain, rs = wx.PRECTOTCORR.to_numpy(), wx.ALLSKY_SFC_SW_DWN.to_numpy()
    n = len(wx)
    doy = np.arange(1, n + 1)
    ra = _ra(L.lat, doy)
    gdd = np.maximum((np.minimum(tmax, 30) + np.clip(tmin, 10, 30)) / 2 - 10, 0)
    p = plant_doy - 1
    cum = np.cumsum(np.where(np.arange(n) >= p, gdd, 0))
    flw = int(np.searchsorted(cum, 790)); flw = min(flw, n - 1)
    mat = int(np.searchsorted(cum, 1520)); mat = min(mat, p + 170, n - 1)
    # ET0 (Hargreaves) and crop coefficient by thermal time
    et0 = 0.0023 * 0.408 * ra * (tmean + 17.8) * np.sqrt(np.maximum(tmax - tmin, 0))
    kc = np.interp(cum, [0, 250, 650, 1150, 1520, 1700], [0.35, 0.45, 1.15, 1.15, 0.55, 0.3])
    in_crop = (np.arange(n) >= p) & (np.arange(n) <= mat)
    kc = np.where(in_crop, kc, 0.3)
    awc = 1200 * max(0.055, 0.205 - 0.0017 * L.sand)                   # mm in a 1.2 m root zone
    sw, irr_total, last_irr = awc * 0.85, 0.0, -99
    supply = np.zeros(n)
    for i in range(n):
        r = rain[i]
        runoff = 0.35 * max(r - 25, 0)
        sw = min(awc, sw + r - runoff)
        if L.irrigated and in_crop[i] and sw < 0.5 * awc and i - last_irr >= 4:
            sw, irr_total, last_irr = min(awc, sw + 25), irr_total + 25, i
        s = min(1.0, sw / (0.5 * awc))
        aet = kc[i] * et0[i] * s
        sw = max(sw - aet, 0.0)
        supply[i] = s
    deficit = 1 - supply
    def wmean(x, lo, hi, wts=None):
        lo, hi = max(lo, 0), min(hi, n)
        if hi <= lo: return float("nan")
        return float(np.average(x[lo:hi], weights=None if wts is None else wts[: hi - lo]))
    tri = np.interp(np.arange(36), [0, 18, 35], [0.3, 1.0, 0.3])
    di_flw = wmean(deficit, flw - 15, flw + 21, tri)
    di_veg = wmean(deficit, p + 25, flw - 15)
    di_gf = wmean(deficit, flw + 21, mat)
    hdd = float(np.maximum(tmax[max(flw - 10, 0):flw + 16] - 33, 0).sum())
    hdd_gf = float(np.maximum(tmax[flw + 16:mat] - 35, 0).sum())
    rad_gf = wmean(rs, flw + 10, flw + 56)
    tmin_gf = wmean(tmin, flw + 10, mat)
    gf_days = mat - flw
    season_gdd = float(gdd[p:min(p + 150, n)].sum())
    return dict(plant_doy=plant_doy, flower_doy=flw + 1, maturity_doy=mat + 1, di_flw=di_flw, di_veg=di_veg,
                di_gf=di_gf, hdd=hdd, hdd_gf=hdd_gf, rad_gf=rad_gf, tmin_gf=tmin_gf, gf_days=gf_days,
                season_gdd=season_gdd, awc=awc, irrigation_mm=irr_total, cum_gdd=cum, plant_index=p)


def env_mean_yield(c, code, year, noise):
    "True Env mean yield (Mg/ha at 15.5 % moisture) from the season's indices."
    L = LOCATIONS.loc[code]
    ypot = 4.3 + 0.40 * c["rad_gf"] + 0.03 * (min(c["gf_days"], 75) - 55)
    f_water = (1 - 0.6 * c["di_flw"] ** 1.2) * (1 - 0.2 * c["di_veg"]) * (1 - 0.25 * c["di_gf"])
    f_heat = math.exp(-0.008 * c["hdd"] - 0.004 * c["hdd_gf"])
    f_night = 1 - 0.03 * max(c["tmin_gf"] - 19.0, 0)
    return ypot * f_water * f_heat * f_night + L.loc_effect + 0.07 * (year - 2019) + noise


# ---------------------------------------------------------------------------------------------------------- genomes
class Genome:
    "Haplotype-block genome shared by two heterotic pools."
    def __init__(self, n_snps, rng, n_chrom=10):
        self.n_snps = n_snps
        per = np.diff(np.round(np.linspace(0, n_snps, n_chrom + 1)).astype(int))
        chrom = np.repeat(np.arange(1, n_chrom + 1), per)
        lens = np.linspace(300e6, 150e6, n_chrom).astype(int)
        pos = np.concatenate([np.sort(rng.choice(np.arange(1000, lens[c - 1]), per[c - 1], replace=False)) for c in range(1, n_chrom + 1)])
        self.map = pd.DataFrame({"chrom": chrom, "pos": pos})
        # blocks: runs of 1-30 SNPs inside a chromosome
        starts = []
        for c in range(1, n_chrom + 1):
            idx = np.flatnonzero(chrom == c)
            i = idx[0]
            while i <= idx[-1]:
                starts.append(i); i += int(rng.integers(1, 31))
        self.starts = np.asarray(starts + [n_snps])
        self.blocks = []
        for b in range(len(self.starts) - 1):
            m = self.starts[b + 1] - self.starts[b]
            k = int(rng.integers(2, 7))
            q = rng.beta(0.5, 0.5, m)
            haps = (rng.random((k, m)) < q).astype(np.int8)
            common = rng.dirichlet(np.ones(k))
            fa, fb = rng.dirichlet(4 * common + 0.05), rng.dirichlet(4 * common + 0.05)
            self.blocks.append((haps, fa, fb))

    def new_line(self, pool, rng):
        "A new inbred (0/1 per SNP) and its block-haplotype indices, drawn from the pool's frequencies."
        idx = np.array([rng.choice(len(fa), p=fa if pool == "A" else fb) for (h, fa, fb) in self.blocks])
        return self._alleles(idx), idx

    def recombinant(self, idx1, idx2, rng, mut=0.03, pool="A"):
        "A line derived from two earlier lines: blocks inherited in runs (few crossovers), a few from the pool."
        nb = len(self.blocks)
        switch = rng.random(nb) < 0.08
        from1 = (np.cumsum(switch) + rng.integers(0, 2)) % 2 == 0
        idx = np.where(from1, idx1, idx2)
        new = rng.random(nb) < mut
        for b in np.flatnonzero(new):
            h, fa, fb = self.blocks[b]
            idx[b] = rng.choice(len(fa), p=fa if pool == "A" else fb)
        return self._alleles(idx), idx

    def _alleles(self, idx):
        return np.concatenate([self.blocks[b][0][i] for b, i in enumerate(idx)]).astype(np.int8)


def _name_pool_a(i): return f"SXA{i:04d}"
def _name_pool_b(i): return f"NXB{i:03d}"


def breed(cfg, rng, genome):
    "Inbreds, testers and the yearly hybrid entry lists (line x tester crosses, re-tested hybrids)."
    lines = {}                                    # name -> (pool, alleles, block idx, first year)
    na = nb = 0
    for _ in range(cfg["founders_a"]):
        na += 1; a, ix = genome.new_line("A", rng); lines[_name_pool_a(na)] = ("A", a, ix, 2015)
    for _ in range(cfg["founders_b"]):
        nb += 1; a, ix = genome.new_line("B", rng); lines[_name_pool_b(nb)] = ("B", a, ix, 2015)
    testers_b = [n for n in lines if lines[n][0] == "B"][:cfg["n_testers"]]
    testers_a = [n for n in lines if lines[n][0] == "A"][:2]            # pool-A testers for a few reciprocal crosses
    entries, hybrids = {}, {}                                           # year -> list of hybrid names; name -> (p1, p2)
    def new_a_line(year):
        nonlocal na
        na += 1
        cand = [n for n in lines if lines[n][0] == "A" and lines[n][3] < year]
        if rng.random() < 0.65 and len(cand) >= 2:
            p1, p2 = rng.choice(cand, 2, replace=False)
            a, ix = genome.recombinant(lines[p1][2], lines[p2][2], rng)
        else: a, ix = genome.new_line("A", rng)
        lines[_name_pool_a(na)] = ("A", a, ix, year)
        return _name_pool_a(na)
    def new_b_line(year):
        nonlocal nb
        nb += 1
        cand = [n for n in lines if lines[n][0] == "B" and lines[n][3] < year]
        p1, p2 = rng.choice(cand, 2, replace=False)
        a, ix = genome.recombinant(lines[p1][2], lines[p2][2], rng, pool="B")
        lines[_name_pool_b(nb)] = ("B", a, ix, year)
        return _name_pool_b(nb)
    founders_a = [n for n in lines if lines[n][0] == "A" and n not in testers_a]
    for k, year in enumerate(TRAIN_YEARS + (TEST_YEAR,)):
        test = year == TEST_YEAR
        n_ent = cfg["test_entries"] if test else cfg["entries"]
        act = [testers_b[(k + j) % len(testers_b)] for j in range(2 if cfg["n_testers"] <= 4 else 3)]
        if test: act = [testers_b[(k - 1 + j) % len(testers_b)] for j in range(3)][:len(act)]
        old = [h for y in entries if y >= year - 3 for h in entries[y]]
        old = list(dict.fromkeys(old))
        n_old = 0 if not old else min(len(old), int(round(n_ent * (cfg["test_known"] if test else cfg["carry"]))))
        keep = list(rng.choice(old, n_old, replace=False)) if n_old else []
        new = []
        while len(keep) + len(new) < n_ent:
            r = rng.random()
            if r < 0.1:                                               # pool-B line x pool-A tester
                h = (new_b_line(year), testers_a[int(rng.integers(len(testers_a)))])
            else:
                if year == TRAIN_YEARS[0] and founders_a:
                    p1 = founders_a.pop(0)
                elif test and rng.random() < 0.5:                    # a known line on a new tester
                    prev = sorted({hybrids[x][0] for x in keep if hybrids[x][0].startswith("SXA")})
                    p1 = prev[int(rng.integers(len(prev)))] if prev else new_a_line(year)
                else: p1 = new_a_line(year)
                h = (p1, act[int(rng.integers(len(act)))])
            name = f"{h[0]}/{h[1]}"
            if name in hybrids or name in new: continue
            hybrids[name] = h; new.append(name)
        entries[year] = keep + new
    return lines, hybrids, entries


def genetic_values(hyb_names, dosage, rng):
    "True additive, dominance, SCA, drought-slope and maturity values per hybrid (scaled on the whole set)."
    n, m = dosage.shape
    p = dosage.mean(0) / 2
    poly = np.flatnonzero((p > 0.05) & (p < 0.95))
    qa = rng.choice(poly, min(250, len(poly)), replace=False)
    qd = rng.choice(poly, min(150, len(poly)), replace=False)
    qs = rng.choice(poly, min(80, len(poly)), replace=False)
    qm = rng.choice(poly, min(60, len(poly)), replace=False)
    def std(v): return (v - v.mean()) / (v.std() + 1e-12)
    add = std(dosage[:, qa] @ rng.standard_t(4, len(qa)))
    het = (dosage[:, qd] == 1).astype(float)
    dom = std(het @ (0.4 + 0.6 * rng.standard_normal(len(qd))))
    slope = 0.75 * std(dosage[:, qs] @ rng.standard_normal(len(qs))) + 0.25 * rng.standard_normal(n)
    mat = 0.8 * std(dosage[:, qm] @ rng.standard_normal(len(qm))) + 0.2 * rng.standard_normal(n)
    return pd.DataFrame({"Hybrid": hyb_names, "additive": 0.62 * add, "dominance": 0.28 * dom,
                         "sca": rng.normal(0, 0.15, n), "drought_slope": std(slope), "maturity": std(mat)})


# ---------------------------------------------------------------------------------------------------------- trials
def _fmt_date(d: pd.Timestamp, year):
    if year <= 2017: return f"{d.month}/{d.day}/{d.year % 100:02d}"
    if year <= 2019: return f"{d.month}/{d.day}/{d.year}"
    return d.strftime("%Y-%m-%d")


def field_trial(env, code, year, hybs, gv, c, emean, zidx, rng, experiment_of, exp_prefix):
    "Plot records of one Env: 2 reps x incomplete blocks on a Range x Pass grid."
    n = len(hybs)
    g = gv.loc[hybs]
    scale = max(emean, 2.0) / 10.0
    gen = scale * (g.additive + g.dominance + g.sca).to_numpy()
    gxe = (0.33 * g.drought_slope.to_numpy() * zidx["di_flw"]           # drought-tolerant hybrids lose less
           + 0.20 * g.maturity.to_numpy() * zidx["season_gdd"]          # late hybrids pay in long seasons
           + rng.normal(0, 0.33, n))
    checks = ["CHK-PIONEER-A", "CHK-LOCAL-B"]
    passes = 12
    rows = []
    plot = 0
    resid_sd = 0.55 + 0.045 * emean
    fx, fy = rng.normal(0, 0.35), rng.normal(0, 0.3)                   # field gradient per Env
    ph = rng.uniform(0, 2 * np.pi)
    date_planted = pd.Timestamp(f"{year}-01-01") + pd.Timedelta(days=int(c["plant_doy"]) - 1)
    harvest = pd.Timestamp(f"{year}-01-01") + pd.Timedelta(days=int(min(c["maturity_doy"] + rng.integers(12, 35), 360)) - 1)
    n_plots = 2 * (n + len(checks))
    n_range = int(math.ceil(n_plots / passes))
    flowering_recorded = rng.random() > 0.2
    for rep in (1, 2):
        rep_eff = rng.normal(0, 0.22)
        order = list(rng.permutation(n)) + [-1, -2]
        rng.shuffle(order)
        bsize = 10
        for j, k in enumerate(order):
            block = j // bsize + 1
            if j % bsize == 0: blk_eff = rng.normal(0, 0.2)
            plot += 1
            pos = (rep - 1) * (n + len(checks)) + j
            rng_i, pass_i = pos // passes + 1, pos % passes + 1
            field = fx * (rng_i / n_range - 0.5) + fy * math.sin(ph + 2 * np.pi * pass_i / passes)
            if k < 0:
                hyb, p1, p2, y, mat = checks[-k - 1], checks[-k - 1], "", np.nan, 0.0
            else:
                hyb = hybs[k]; p1, p2 = hyb.split("/")
                y = emean + gen[k] + gxe[k] + rep_eff + blk_eff + field + rng.normal(0, resid_sd)
                y = max(y, 0.3)
                mat = g.maturity.iloc[k]
            fl_gdd = 790 + 35 * mat
            pi = c["plant_index"]
            pollen = int(np.searchsorted(c["cum_gdd"], fl_gdd)) - pi + int(rng.integers(-2, 3))
            silk = pollen + max(0, int(round(1 + 6 * c["di_flw"] + rng.normal(0, 1))))
            ht = 215 + 12 * mat + 6 * (emean - 10) + rng.normal(0, 12)
            rows.append(dict(Env=env, Year=year, Field_Location=code, Experiment=experiment_of(hyb, exp_prefix),
                             Replicate=rep, Block=block, Plot=plot, Range=float(rng_i), Pass=float(pass_i), Hybrid=hyb,
                             Hybrid_orig_name=hyb, Hybrid_Parent1=p1, Hybrid_Parent2=p2,
                             Plot_Area_ha=round(0.00068 + 0.00002 * (code in ("TXH1", "GAH1")), 6),
                             Date_Planted=_fmt_date(date_planted, year), Date_Harvested=_fmt_date(harvest, year),
                             Stand_Count_plants=float(max(20, round(rng.normal(68, 6)))),
                             Pollen_DAP_days=float(pollen) if flowering_recorded else np.nan,
                             Silk_DAP_days=float(silk) if flowering_recorded else np.nan,
                             Plant_Height_cm=round(ht, 0), Ear_Height_cm=round(0.45 * ht + rng.normal(0, 8), 0),
                             Root_Lodging_plants=float(rng.poisson(0.5)) if rng.random() < 0.6 else np.nan,
                             Stalk_Lodging_plants=float(rng.poisson(1.2)) if rng.random() < 0.6 else np.nan,
                             Yield_Mg_ha=round(float(y), 4) if np.isfinite(y) else np.nan,
                             Grain_Moisture=round(float(np.clip(17 + 1.2 * mat + rng.normal(0, 1.5), 10, 35)), 1),
                             Twt_kg_m3=round(float(rng.normal(725, 20)), 1),
                             _expected=emean + (gen[k] + gxe[k] if k >= 0 else np.nan)))
    df = pd.DataFrame(rows)
    miss = rng.random(len(df)) < 0.015
    df.loc[miss, "Yield_Mg_ha"] = np.nan
    return df


# ---------------------------------------------------------------------------------------------------------- writing
def _write_csv(df, path, crlf=False, quote_all=False, encoding="utf-8"):
    import csv
    df.to_csv(path, index=False, lineterminator="\r\n" if crlf else "\n", encoding=encoding,
              quoting=csv.QUOTE_NONNUMERIC if quote_all else csv.QUOTE_MINIMAL)


def _meta_rows(envs, plant, rng, test):
    rows = []
    for e in envs:
        code, year = e.rsplit("_", 1); year = int(year)
        L = LOCATIONS.loc[code]
        r = {c: None for c in META_COLS}
        lat, lon = L.lat + rng.normal(0, 0.01), L.lon + rng.normal(0, 0.01)
        r.update({"Year": str(year), "Env": e, "Experiment_Code": code, "Treatment": "Standard", "City": L.city,
                  "Farm": "Ag. Research Farm" if code != "WIH1" else "Arlington Müller Farm",
                  "Field": f"F{int(rng.integers(1, 30))}",
                  "Weather_Station_Latitude (in decimal numbers NOT DMS)": round(lat, 5),
                  "Weather_Station_Longitude (in decimal numbers NOT DMS)": round(lon, 5),
                  "Previous_Crop": rng.choice(["soybean", "soybean", "corn", "wheat"]),
                  "Type_of_planter (fluted cone; belt cone; air planter)": rng.choice(["Cone", "Air planter"]),
                  "Latitude_of_Field_Corner_#1 (lower left)": round(lat + 0.002, 6),
                  "Longitude_of_Field_Corner_#1 (lower left)": round(lon - 0.002, 6),
                  "Comments": "irrigated as needed" if L.irrigated else None})
        if not test and rng.random() < 0.1:          # station coordinates missing for ~10 % of training Env
            r["Weather_Station_Latitude (in decimal numbers NOT DMS)"] = None
            r["Weather_Station_Longitude (in decimal numbers NOT DMS)"] = None
        if test:
            r["Irrigated"] = "yes" if L.irrigated else "no"
            d = plant[e]
            r["Date_Planted"] = f"{d.month}/{d.day}/{d.year % 100:02d}"
            r["Plot_Area_ha"] = 0.00068
        rows.append(r)
    cols = META_COLS if not test else META_COLS[:-1] + ["Irrigated", "Date_Planted", "Plot_Area_ha", "Comments"]
    return pd.DataFrame(rows, columns=cols)


def _texture(sand, clay):
    if sand > 70: return "Loamy Sand" if clay < 10 else "Sandy Loam"
    if clay > 35: return "Clay Loam"
    if sand < 25: return "Silt Loam" if clay < 27 else "Silty Clay Loam"
    return "Loam"


def _soil_rows(envs, rng, test):
    rows = []
    for e in envs:
        code, year = e.rsplit("_", 1)
        L = LOCATIONS.loc[code]
        if rng.random() < 0.1: continue                 # no soil sample for some Env
        sand = float(np.clip(L.sand + rng.normal(0, 3), 3, 95)); clay = float(np.clip(L.clay + rng.normal(0, 2), 2, 50))
        silt = 100 - sand - clay
        om = float(np.clip(4.2 - 0.035 * sand + rng.normal(0, 0.3), 0.5, 7))
        r = {c: None for c in SOIL_COLS}
        r.update({"Year": year, "Env": e, "LabID": f"W{int(rng.integers(10000, 99999))}", "E Depth": 8,
                  "1:1 Soil pH": round(float(rng.normal(6.4, 0.5)), 1), "WDRF Buffer pH": round(float(rng.normal(6.8, 0.2)), 1),
                  "1:1 S Salts mmho/cm": round(float(rng.uniform(0.1, 0.6)), 2), "Organic Matter LOI %": round(om, 1),
                  "Nitrate-N ppm N": round(float(rng.uniform(3, 30)), 1), "Potassium ppm K": round(float(rng.uniform(90, 300))),
                  "CEC/Sum of Cations me/100g": round(3 + 0.35 * clay + 2 * om, 1),
                  "Mehlich P-III ppm P": round(float(rng.uniform(10, 80))), "% Sand": round(sand), "% Silt": round(silt),
                  "% Clay": round(clay), "Texture": _texture(sand, clay)})
        rows.append(r)
    cols = [c for c in SOIL_COLS if not (test and c in SOIL_TEST_DROP)]
    return pd.DataFrame(rows, columns=cols)


def _write_vcf(path, genome, names, dosage, rng, missing=0.002):
    gt = np.array(["0/0", "0/1", "1/1", "./."])
    d = dosage.T.copy()                                            # snps x hybrids
    d[rng.random(d.shape) < missing] = 3
    ref_alt = rng.choice(["A", "C", "G", "T"], size=(d.shape[0], 2))
    for i in np.flatnonzero(ref_alt[:, 0] == ref_alt[:, 1]):
        ref_alt[i, 1] = {"A": "G", "C": "T", "G": "A", "T": "C"}[ref_alt[i, 0]]
    with open(path, "w") as f:
        f.write("##fileformat=VCFv4.2\n##source=bench/offsim.py (independent off-simulator; synthetic SNPs)\n")
        for c in range(1, genome.map.chrom.max() + 1): f.write(f"##contig=<ID={c}>\n")
        f.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        f.write("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *names]) + "\n")
        for j in range(d.shape[0]):
            c, p = int(genome.map.chrom.iloc[j]), int(genome.map.pos.iloc[j])
            f.write(f"{c}\t{p}\tS{c}_{p}\t{ref_alt[j, 0]}\t{ref_alt[j, 1]}\t.\tPASS\t.\tGT\t" + "\t".join(gt[d[j]]) + "\n")


def write_offsim(out_dir, seed: int = 0, size: str = "small") -> Path:
    "Write a G2F-format folder (Training_Data/, Testing_Data/) and truth/ (withheld 2022 yields); returns `out_dir`."
    if size not in SIZES: raise ValueError(f"size must be one of {list(SIZES)}, not {size!r}")
    cfg = SIZES[size]
    out = Path(out_dir)
    tr, te, tru = out/"Training_Data", out/"Testing_Data", out/"truth"
    for d in (tr, te, tru): d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 20240611])
    # trial design: locations per year, test Env at locations seen before
    codes = list(LOCATIONS.index)
    wts = np.array([1.6 if LOCATIONS.loc[c].regime == "cornbelt" else 1.0 for c in codes]); wts /= wts.sum()
    design = {}
    for y, k in zip(TRAIN_YEARS, cfg["envs_per_year"]):
        design[y] = sorted(rng.choice(codes, k, replace=False, p=wts))
    seen = pd.Series([c for y in design for c in design[y]]).value_counts()
    cand = [c for c in codes if seen.get(c, 0) >= 2]
    design[TEST_YEAR] = sorted(rng.choice(cand, min(cfg["test_envs"], len(cand)), replace=False))
    envs = [(f"{c}_{y}", c, y) for y in design for c in design[y]]
    # weather and crop seasons
    ya = year_anomalies(list(design), rng)
    weather, seasons = {}, {}
    for env, code, year in envs:
        wx, _ = site_weather(code, year, ya[year], rng)
        L = LOCATIONS.loc[code]
        spring_rain = wx.PRECTOTCORR.to_numpy()[L.plant_doy - 35:L.plant_doy].sum()
        plant = int(round(L.plant_doy + 0.06 * (spring_rain - 70) + rng.normal(0, 6)))
        plant = int(np.clip(plant, L.plant_doy - 18, L.plant_doy + 30))
        weather[env] = wx
        seasons[env] = crop_season(code, year, wx, ya[year], rng, plant)
    ind = pd.DataFrame({e: {k: v for k, v in s.items() if np.isscalar(v)} for e, s in seasons.items()}).T
    yl_noise = {e: rng.normal(0, 0.65) for e, _, _ in envs}
    emeans = {e: env_mean_yield(seasons[e], c, y, yl_noise[e]) for e, c, y in envs}
    train_envs = [e for e, _, y in envs if y != TEST_YEAR]
    zref = ind.loc[train_envs, ["di_flw", "season_gdd"]].astype(float)
    zmu, zsd = zref.mean(), zref.std()
    # genetics
    genome = Genome(cfg["n_snps"], rng)
    lines, hybrids, entries = breed(cfg, rng, genome)
    names = sorted(hybrids)
    dosage = np.stack([lines[hybrids[h][0]][1] + lines[hybrids[h][1]][1] for h in names]).astype(np.int8)
    gv = genetic_values(names, dosage, rng).set_index("Hybrid")
    # trials
    tester_exp = lambda h, pre: f"{pre}_{h.split('/')[1]}" if "/" in h else f"{pre}_CHECKS"
    plots = []
    for env, code, year in envs:
        ent = entries[year]
        k = min(cfg["per_env"], len(ent))
        hybs = sorted(rng.choice(ent, k, replace=False))
        z = {"di_flw": (seasons[env]["di_flw"] - zmu.di_flw) / zsd.di_flw,
             "season_gdd": (seasons[env]["season_gdd"] - zmu.season_gdd) / zsd.season_gdd}
        pre = f"G2F_{year}" if year >= 2020 else "G2F"
        plots.append(field_trial(env, code, year, hybs, gv, seasons[env], emeans[env], z, rng, tester_exp, pre))
    plots = pd.concat(plots, ignore_index=True)
    is_test = plots.Year == TEST_YEAR
    # --- Training_Data
    train = plots[~is_test]
    _write_csv(train[TRAIT_COLS], tr/"1_Training_Trait_Data_2014_2021.csv")
    plant_dates = {e: pd.Timestamp(f"{y}-01-01") + pd.Timedelta(days=int(seasons[e]["plant_doy"]) - 1) for e, _, y in envs}
    test_envs = [e for e, _, y in envs if y == TEST_YEAR]
    _write_csv(_meta_rows(train_envs, plant_dates, rng, False), tr/"2_Training_Meta_Data_2014_2021.csv",
               quote_all=True, encoding="latin-1")
    _write_csv(_soil_rows(train_envs, rng, False), tr/"3_Training_Soil_Data_2015_2021.csv", quote_all=True)
    def wx_frame(es, cols):
        f = pd.concat([weather[e].assign(Env=e) for e in es], ignore_index=True)
        for c in cols:
            if c not in f: f[c] = np.nan
        num = [c for c in cols if c not in ("Env", "Date")]
        f[num] = f[num].round(2)
        # ~1 % of values missing in the core variables, as in NASA POWER downloads
        for c in ("T2M", "T2MDEW", "RH2M", "QV2M", "WS2M", "T2MWET", "PS"):
            f.loc[rng.random(len(f)) < 0.01, c] = np.nan
        return f[cols]
    _write_csv(wx_frame(train_envs, WEATHER_COLS_TRAIN), tr/"4_Training_Weather_Data_2014_2021.csv")
    hyb_tab = pd.DataFrame({"Hybrid": names, "Parent1": [hybrids[h][0] for h in names],
                            "Parent2": [hybrids[h][1] for h in names]})
    _write_vcf(tr/"5_Genotype_Data_All_Years.vcf", genome, names, dosage, rng)
    ec = pd.DataFrame(columns=["Env"] + ec_columns())
    _write_csv(ec, tr/"6_Training_EC_Data_2014_2021.csv", crlf=True)
    trained, tested = set(train.Hybrid), set(plots[is_test].Hybrid)
    checks = sorted(h for h in trained if "/" not in h)
    info = pd.concat([hyb_tab, pd.DataFrame({"Hybrid": checks, "Parent1": checks, "Parent2": ""})], ignore_index=True)
    info["train"] = info.Hybrid.isin(trained).map({True: "TRUE", False: "FALSE"})
    info["test"] = info.Hybrid.isin(tested).map({True: "TRUE", False: "FALSE"})
    info["vcf"] = info.Hybrid.isin(set(names)).map({True: "TRUE", False: "FALSE"})
    info = info[(info.train == "TRUE") | (info.test == "TRUE")]
    _write_csv(info, tr/"All_hybrid_names_info.csv", crlf=True)
    # --- Testing_Data
    test = plots[is_test & plots.Hybrid.str.contains("/")]
    tmpl = test[["Env", "Hybrid"]].drop_duplicates().assign(Yield_Mg_ha=np.nan)
    _write_csv(tmpl, te/"1_Submission_Template_2022.csv", crlf=True)
    _write_csv(_meta_rows(test_envs, plant_dates, rng, True), te/"2_Testing_Meta_Data_2022.csv", crlf=True)
    _write_csv(_soil_rows(test_envs, rng, True), te/"3_Testing_Soil_Data_2022.csv", crlf=True)
    _write_csv(wx_frame(test_envs, WEATHER_COLS_TEST), te/"4_Testing_Weather_Data_2022.csv", crlf=True)
    _write_csv(ec, te/"6_Testing_EC_Data_2022.csv", crlf=True)
    # --- truth
    _write_csv(test[TRAIT_COLS], tru/"Truth_Plots_2022.csv")
    obs = test.dropna(subset=["Yield_Mg_ha"]).groupby(["Env", "Hybrid"], as_index=False, sort=True).Yield_Mg_ha.mean()
    obs["Yield_Mg_ha"] = obs.Yield_Mg_ha.round(4)
    _write_csv(obs, tru/"Truth_Yield_2022.csv")
    exp = test.groupby(["Env", "Hybrid"], as_index=False, sort=True)._expected.first().rename(columns={"_expected": "Expected_Mg_ha"})
    _write_csv(exp, tru/"Truth_Expected_2022.csv")
    envtab = ind.drop(columns=["plant_index"], errors="ignore").astype(float).round(4)
    envtab.insert(0, "true_env_mean", pd.Series(emeans).round(4))
    envtab.insert(1, "year_x_location_noise", pd.Series(yl_noise).round(4))
    envtab.insert(0, "is_test", [e in test_envs for e in envtab.index])
    envtab.index.name = "Env"
    envtab.reset_index().to_csv(tru/"env_truth.csv", index=False)
    gv.round(4).reset_index().to_csv(tru/"hybrid_truth.csv", index=False)
    summ = dict(seed=seed, size=size, n_train_env=len(train_envs), n_test_env=len(test_envs), n_hybrids=len(names),
                n_snps=int(dosage.shape[1]), n_train_plots=int(len(train)), n_template_rows=int(len(tmpl)),
                train_env_mean=float(np.mean([emeans[e] for e in train_envs])),
                train_env_sd=float(np.std([emeans[e] for e in train_envs], ddof=1)),
                test_env_means={e: round(float(emeans[e]), 3) for e in test_envs},
                test_hybrids_tested_before=float(np.mean([h in trained for h in tmpl.Hybrid.unique()])),
                missing_yield_share=float(train.Yield_Mg_ha.isna().mean()))
    (tru/"summary.json").write_text(json.dumps(summ, indent=1))
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="write an independent G2F-format simulation with known 2022 truth")
    ap.add_argument("out"); ap.add_argument("--seed", type=int, default=0); ap.add_argument("--size", default="small")
    a = ap.parse_args()
    p = write_offsim(a.out, a.seed, a.size)
    print(open(Path(p)/"truth"/"summary.json").read())
