"""The forecast backtest runs small and beats the naive same-weekday-last-week forecast (fixed seed)."""

import tempfile
import unittest

from bench.appointments_forecast import backtest, main


class ForecastBacktestTests(unittest.TestCase):
    def test_beats_naive_on_every_measure(self):
        result = backtest(points=2, days=200, weeks=4, seed=3)
        ours, naive = result["ours"], result["naive"]
        self.assertEqual(ours["cells"], naive["cells"])
        self.assertGreater(ours["cells"], 800)
        self.assertLess(ours["mae"], naive["mae"] * 0.9)
        self.assertLess(ours["rmse"], naive["rmse"])
        self.assertLess(ours["wape"], naive["wape"])
        self.assertLess(result["oracle"]["mae"], ours["mae"])  # nothing beats the true means
        for point in result["per_point"]:
            self.assertLess(point["ours"]["mae"], point["naive"]["mae"])

    def test_main_writes_json(self):
        with tempfile.TemporaryDirectory() as folder:
            result = main(["--points", "1", "--days", "120", "--weeks", "2", "--out", folder])
            import pathlib

            files = list(pathlib.Path(folder).glob("appointments-forecast-*.json"))
            self.assertEqual(len(files), 1)
            self.assertIn('"naive"', files[0].read_text())
        self.assertLess(result["ours"]["mae"], result["naive"]["mae"])
