"""The workshop API: one router per stage, mounted together under /api/v1/."""

from ninja import Router

from . import documents, floor, orders, settlement

router = Router()
router.add_router("", orders.router)
router.add_router("", floor.router)
router.add_router("", settlement.router)
router.add_router("", documents.router)
