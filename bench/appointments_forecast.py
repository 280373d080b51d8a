"""Backtest of the arrivals forecast (``aftersales.appointments.forecast``) on generated history.

History per service point: Monday–Saturday open 08:30–17:30 (hours 8–17), Sundays and the public
holidays closed; a daily rate with weekly seasonality (Monday and Saturday busy), an hourly
profile with busy mornings, a linear trend, a yearly wave, and Poisson noise. The backtest takes
rolling origins one week apart over the last ``weeks`` weeks, forecasts ``horizon`` days from
each and scores every (open day, hour) cell with MAE, RMSE and WAPE, against the naive forecast
(the same weekday of the latest open week).

    .venv/bin/python -m bench.appointments_forecast            # 6 points, 420 days, 8 origins
    .venv/bin/python -m bench.appointments_forecast --points 2 --days 200 --weeks 4 --seed 3

Prints the figures and writes ``bench/results/appointments-forecast-<time>.json``. Needs no database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import time
from pathlib import Path

from aftersales.appointments.forecast import errors, forecast, naive_forecast

WEEKDAY_RATE = {1: 1.45, 2: 1.0, 3: 0.9, 4: 0.9, 5: 1.05, 6: 1.35, 7: 0.0}
HOURS = list(range(8, 18))
# mornings busy, lunch dip; Monday and Saturday mornings busier still
HOUR_PROFILE = {8: 1.6, 9: 1.8, 10: 1.5, 11: 1.1, 12: 0.5, 13: 0.9, 14: 1.0, 15: 0.9, 16: 0.8, 17: 0.4}
MORNING_PEAK = {1: 1.35, 6: 1.3}
HOLIDAYS = {
    dt.date(2026, 1, 1), dt.date(2026, 2, 16), dt.date(2026, 2, 17), dt.date(2026, 2, 18), dt.date(2026, 2, 19),
    dt.date(2026, 4, 6), dt.date(2026, 5, 1), dt.date(2026, 5, 4), dt.date(2026, 5, 5), dt.date(2026, 6, 19),
    dt.date(2026, 9, 25), dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 5), dt.date(2026, 10, 6),
    dt.date(2026, 10, 7), dt.date(2027, 1, 1), dt.date(2027, 2, 5), dt.date(2027, 2, 8), dt.date(2027, 2, 9),
    dt.date(2027, 2, 10), dt.date(2027, 2, 11), dt.date(2027, 4, 5), dt.date(2027, 5, 3), dt.date(2027, 5, 4),
    dt.date(2027, 5, 5), dt.date(2027, 6, 9), dt.date(2027, 9, 15), dt.date(2027, 10, 1), dt.date(2027, 10, 4),
    dt.date(2027, 10, 5), dt.date(2027, 10, 6), dt.date(2027, 10, 7),
}


def is_open(day: dt.date) -> bool:
    return day.isoweekday() != 7 and day not in HOLIDAYS


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def generate_history(*, rng: random.Random, start: dt.date, days: int, base: float, trend_per_year: float,
                     means: dict | None = None) -> dict[dt.date, dict[int, int]]:
    """One point's arrivals per (day, hour); ``means`` receives the true expected values."""
    profile_total = sum(HOUR_PROFILE.values())
    history = {}
    for i in range(days):
        day = start + dt.timedelta(days=i)
        if not is_open(day):
            continue
        level = base * (1 + trend_per_year * i / 365) * (1 + 0.12 * math.sin(2 * math.pi * day.timetuple().tm_yday / 365))
        daily = level * WEEKDAY_RATE[day.isoweekday()]
        peak = MORNING_PEAK.get(day.isoweekday(), 1.0)
        weights = {h: w * (peak if h < 12 else 1.0) for h, w in HOUR_PROFILE.items()}
        total = sum(weights.values()) or profile_total
        history[day] = {h: poisson(rng, daily * w / total) for h, w in weights.items()}
        if means is not None:
            means[day] = {h: daily * w / total for h, w in weights.items()}
    return history


def backtest(*, points: int = 6, days: int = 420, weeks: int = 8, horizon: int = 14, seed: int = 7,
             end: dt.date = dt.date(2027, 6, 30)) -> dict:
    rng = random.Random(seed)
    start = end - dt.timedelta(days=days - 1)
    ours_cells: dict = {}
    naive_cells: dict = {}
    oracle_cells: dict = {}
    actual_cells: dict = {}
    per_point = []
    for p in range(points):
        base = rng.uniform(15, 60)
        means: dict = {}
        history = generate_history(rng=rng, start=start, days=days, base=base, trend_per_year=rng.uniform(-0.1, 0.3),
                                   means=means)
        mine: dict = {}
        naive: dict = {}
        for w in range(weeks):
            origin = end - dt.timedelta(days=horizon - 1 + 7 * w)
            past = {d: v for d, v in history.items() if d < origin}
            for day, hours in forecast(past, origin, is_open, horizon=horizon, open_hours=HOURS).items():
                mine[(w, day)] = hours
            for day, hours in naive_forecast(past, origin, is_open, horizon=horizon, open_hours=HOURS).items():
                naive[(w, day)] = hours
        actual = {(w, day): history.get(day, {}) for (w, day) in mine}
        per_point.append({"point": p, "base": round(base, 1), "ours": errors(actual, mine),
                          "naive": errors(actual, naive)})
        for key, value in mine.items():
            ours_cells[(p, *key)] = value
            naive_cells[(p, *key)] = naive[key]
            oracle_cells[(p, *key)] = {h: means.get(key[1], {}).get(h, 0.0) for h in value}
            actual_cells[(p, *key)] = actual[key]
    ours, naive_total = errors(actual_cells, ours_cells), errors(actual_cells, naive_cells)
    return {
        "points": points, "days": days, "weeks": weeks, "horizon": horizon, "seed": seed,
        "ours": ours, "naive": naive_total, "oracle": errors(actual_cells, oracle_cells),
        "improvement_mae": 1 - ours["mae"] / naive_total["mae"] if naive_total["mae"] else 0.0,
        "per_point": per_point,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=6)
    parser.add_argument("--days", type=int, default=420)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--horizon", type=int, default=14)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    result = backtest(points=args.points, days=args.days, weeks=args.weeks, horizon=args.horizon, seed=args.seed)
    result["seconds"] = round(time.perf_counter() - began, 2)
    print(f"{'':8} {'MAE':>8} {'RMSE':>8} {'WAPE':>8}   cells={result['ours']['cells']}")
    for name in ("ours", "naive", "oracle"):
        e = result[name]
        print(f"{name:8} {e['mae']:8.3f} {e['rmse']:8.3f} {e['wape']:8.3f}")
    print("(oracle: the true expected values, the floor that noise leaves)")
    print(f"MAE {result['improvement_mae']:.1%} lower than naive (same weekday last week), {result['seconds']} s")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"appointments-forecast-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"written {path}")
    return result


if __name__ == "__main__":
    main()
