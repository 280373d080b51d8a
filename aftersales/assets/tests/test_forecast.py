import datetime as dt

import pytest

from aftersales.assets.forecast import (
    Interval,
    Reading,
    add_months,
    average_daily_use,
    distance_since,
    next_maintenance,
    pick_interval,
)

D = dt.date
INTERVAL = Interval(months=12, distance=10000, first_months=6, first_distance=5000)


def test_average_daily_use_is_the_least_squares_slope():
    # Given readings that wander around 50 km a day
    readings = [Reading(D(2025, 1, 1) + dt.timedelta(days=d), v)
                for d, v in [(0, 0), (20, 1000), (40, 2100), (60, 2900), (80, 4000)]]
    # Then the slope is Sxy/Sxx = 198000/4000
    assert average_daily_use(readings) == pytest.approx(49.5)


def test_a_meter_replacement_starts_a_new_segment_with_the_same_slope():
    readings = [Reading(D(2025, 1, 1), 10000), Reading(D(2025, 1, 11), 10500),
                Reading(D(2025, 1, 21), 0, is_meter_replacement=True), Reading(D(2025, 1, 31), 500)]
    assert average_daily_use(readings) == pytest.approx(50.0)


def test_only_the_last_twelve_months_of_readings_count():
    readings = [Reading(D(2023, 1, 1), 0), Reading(D(2023, 6, 30), 1000),  # older than a year: ignored
                Reading(D(2024, 6, 1), 20000), Reading(D(2024, 7, 1), 21000), Reading(D(2024, 7, 31), 22000)]
    assert average_daily_use(readings) == pytest.approx(1000 / 30)


def test_average_needs_two_readings_of_one_meter_or_a_sale_date():
    assert average_daily_use([]) is None
    assert average_daily_use([Reading(D(2025, 3, 1), 3000)]) is None
    assert average_daily_use([Reading(D(2025, 3, 1), 3000)], origin=Reading(D(2025, 1, 30), 0)) == pytest.approx(100.0)


def test_a_falling_trend_is_no_use_rather_than_negative():
    assert average_daily_use([Reading(D(2025, 1, 1), 500), Reading(D(2025, 2, 1), 400)]) == 0.0


def test_distance_since_skips_the_unknown_gap_at_a_meter_replacement():
    readings = [Reading(D(2025, 1, 1), 1000), Reading(D(2025, 2, 1), 0, is_meter_replacement=True),
                Reading(D(2025, 3, 1), 800)]
    assert distance_since(readings, start_value=200) == 800 + 800


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2025, 1, 31), 1, D(2025, 2, 28)), (D(2024, 1, 31), 1, D(2024, 2, 29)), (D(2025, 11, 15), 3, D(2026, 2, 15)),
    (D(2025, 6, 30), 12, D(2026, 6, 30)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_first_service_falls_due_by_distance_from_the_sale_date():
    # Given a car sold on 1 Jan driven 50 km a day, without a service yet
    readings = [Reading(D(2025, 1, 31), 1500), Reading(D(2025, 3, 2), 3000), Reading(D(2025, 4, 1), 4500)]
    result = next_maintenance(readings, INTERVAL, sale_date=D(2025, 1, 1))
    # Then the first-service interval (6 months / 5000 km) runs from the sale date, and 5000 km comes first
    assert result.average_daily == pytest.approx(50.0)
    assert (result.base_date, result.base_is_service) == (D(2025, 1, 1), False)
    assert (result.interval_months, result.interval_distance) == (6, 5000)
    assert result.due_by_time == D(2025, 7, 1)
    assert result.due_by_distance == D(2025, 4, 11)       # 500 km left at 50 km a day: 10 days after 1 Apr
    assert (result.due_date, result.due_reason, result.due_reading) == (D(2025, 4, 11), "distance", 5000)


def test_after_a_service_the_regular_interval_runs_from_it():
    readings = [Reading(D(2025, 1, 31), 1500), Reading(D(2025, 3, 2), 3000),
                Reading(D(2025, 4, 1), 4500, source="service")]
    result = next_maintenance(readings, INTERVAL, sale_date=D(2025, 1, 1))
    assert (result.base_date, result.base_is_service, result.distance_since_base) == (D(2025, 4, 1), True, 0)
    assert result.due_by_time == D(2026, 4, 1)
    assert result.due_by_distance == D(2025, 10, 18)      # 10000 km at 50 km a day = 200 days
    assert (result.due_date, result.due_reason, result.due_reading) == (D(2025, 10, 18), "distance", 14500)


def test_time_comes_first_for_a_car_that_is_hardly_driven():
    readings = [Reading(D(2025, 1, 1), 0, source="service"), Reading(D(2025, 5, 1), 240)]   # 2 km a day
    result = next_maintenance(readings, Interval(months=6, distance=5000), sale_date=None)
    assert result.average_daily == pytest.approx(2.0)
    assert (result.due_date, result.due_reason) == (D(2025, 7, 1), "time")
    assert result.remaining_distance == 4760


def test_an_overdue_distance_gives_a_past_due_date():
    readings = [Reading(D(2025, 1, 1), 0, source="service"), Reading(D(2025, 3, 2), 6000)]   # 100 km a day
    result = next_maintenance(readings, Interval(months=12, distance=5000), sale_date=None)
    assert result.remaining_distance == -1000
    assert result.due_by_distance == D(2025, 2, 20)         # 10 days before the last reading


def test_without_readings_only_time_is_forecast():
    result = next_maintenance([], INTERVAL, sale_date=D(2025, 2, 10))
    assert result.average_daily is None
    assert (result.due_date, result.due_reason, result.due_by_distance) == (D(2025, 8, 10), "time", None)


def test_without_an_interval_there_is_no_due_date():
    result = next_maintenance([Reading(D(2025, 1, 1), 100), Reading(D(2025, 1, 11), 600)], None, sale_date=None)
    assert result.average_daily == pytest.approx(50.0)
    assert (result.due_date, result.due_reason, result.interval_months) == (None, "", None)


def test_the_models_own_interval_overrides_the_brands_default():
    default, own = Interval(6, 5000), Interval(12, 10000)
    candidates = [("大众", "", default), ("大众", "朗逸", own), ("丰田", "", Interval(6, 7500))]
    assert pick_interval(candidates, brand="大众", model="朗逸") is own
    assert pick_interval(candidates, brand="大众", model="帕萨特") is default
    assert pick_interval([("VW", "", default), ("VW", "Lavida", own)], brand="vw", model="LAVIDA") is own
    assert pick_interval(candidates, brand="本田", model="雅阁") is None
