"""Start-up of a server process: what it loaded is frozen out of the garbage collector's generations."""

import gc
import importlib

from django.test import SimpleTestCase

from aftersales.core.runtime import freeze_startup_objects


class FreezeTests(SimpleTestCase):
    def tearDown(self):
        gc.unfreeze()

    def test_everything_alive_is_frozen_and_new_objects_are_not(self):
        gc.unfreeze()
        self.assertEqual(gc.get_freeze_count(), 0)
        frozen = freeze_startup_objects()
        self.assertGreater(frozen, 10_000)  # the loaded Django project: modules, models, URL patterns
        # Other threads of the test process (a live server's, a finished test's) may free or freeze an object
        # or two in between, so the counts are compared with a margin far below the 10,000 objects made here.
        self.assertAlmostEqual(gc.get_freeze_count(), frozen, delta=1_000)
        later = [[] for _ in range(10_000)]  # lists are tracked by the collector (bare object()s are not)
        self.assertLess(gc.get_freeze_count(), frozen + 1_000, len(later))

    def test_the_wsgi_module_freezes_once_the_application_is_loaded(self):
        gc.unfreeze()
        import config.wsgi

        importlib.reload(config.wsgi)
        self.assertGreater(gc.get_freeze_count(), 10_000)
        self.assertTrue(callable(config.wsgi.application))
