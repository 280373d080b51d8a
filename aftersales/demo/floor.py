"""Demo of the workshop floor and the cashier: quality checklists, technicians on the demo orders, the
cashiers' discount limits.

* Head office keeps a default checklist per service type; the Shanghai store has its own, longer list
  for periodic maintenance (it services mostly 上汽大众 and 斯柯达).
* At the Shanghai store the technician has worked on the order in repair: the first job done, the
  second paused; the foreman corrected both stretches to what the technician really worked (he
  clocked late on the tablet), so the hours report has figures. The approved order waits with the
  technician assigned, ready for him to clock on.
* The cashiers may give up to 5 % discount at once, the advisors 3 %; above that a manager decides.

Everything goes through the services, as the staff would do it. Needs the organisation and, for the
technicians' part, the workshop demo's orders (without them only the checklists are made).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from aftersales.accounts.services import user_update
from aftersales.workshop.choices import LineKind, LineStatus, WorkOrderStatus
from aftersales.workshop.models import TimeEntry, WorkOrder
from aftersales.workshop.services.jobs import job_assign, job_clock_off, job_clock_on, time_entry_correct
from aftersales.workshop.services.qc import checklist_create

ROAD_TEST = "Road test: brakes, steering and no unusual noise"
LIGHTS = "No warning lights on the dashboard"
CONCERN = "Customer's concern resolved"
CLEAN = "Vehicle clean, protective covers removed"
WHEELS = "Torque of wheel nuts checked"
FLUIDS = "Fluid levels: oil, coolant, brake fluid, washer"

# service type → (name, checks) kept by head office as the defaults for every point
DEFAULT_CHECKLISTS = {
    "first_maintenance": ("First maintenance", [
        "Oil and filter changed, oil level correct", FLUIDS, "Tyre pressures set, spare included",
        WHEELS, LIGHTS, "Service booklet stamped and reminder reset", CLEAN]),
    "periodic_maintenance": ("Periodic maintenance", [
        "Oil and filter changed, oil level correct", FLUIDS, "Filters replaced as listed on the order",
        "Tyre pressures and tread depth checked", WHEELS, "Wipers and washers work", LIGHTS,
        "Service reminder reset", CLEAN]),
    "repair": ("Repair", [
        CONCERN, ROAD_TEST, LIGHTS, "No fluid leaks under the vehicle", "Replaced parts fitted and secured",
        WHEELS, CLEAN]),
    "recall": ("Recall campaign", [
        "Campaign work done as the manufacturer's bulletin describes", "Campaign label fitted",
        "Campaign completion recorded against the VIN", LIGHTS, CLEAN]),
    "accident": ("Accident repair", [
        "Panel gaps even, doors and bonnet close properly", "Paint colour matches, no runs or dust",
        "Lights aimed, sensors and cameras calibrated", ROAD_TEST, LIGHTS, "Photos of the finished repair taken",
        CLEAN]),
    "inspection": ("Inspection", [
        "Every item on the inspection sheet answered", "Findings explained on the order",
        "Brakes and tyres within limits or reported", LIGHTS]),
    "installation": ("Installation", [
        "Unit level and firmly mounted", "Pipes and cables sealed, no leaks", "Test run: cooling/heating reached",
        "Customer shown how to use it", "Work area clean, packaging taken away"]),
}
SHANGHAI_MAINTENANCE = ("Periodic maintenance (上汽大众 / 斯柯达)", [
    "Oil and filter changed to VW 504/507 or 502 spec, level correct", FLUIDS, "Filters replaced as listed on the order",
    "DSG / gearbox checked for leaks", "Tyre pressures and tread depth checked", WHEELS, LIGHTS,
    "ODIS fault memory read and cleared", "Service reminder reset", CONCERN, CLEAN])
DISCOUNT_LIMITS = {"cashier": Decimal("5.00"), "advisor": Decimal("3.00"), "advisor2": Decimal("3.00")}


def _checklists(org: dict) -> int:
    admin = org["admin"]
    made = 0
    for service_type, (name, items) in DEFAULT_CHECKLISTS.items():
        checklist_create(user=admin, data={"service_type": service_type, "service_point_id": None, "name": name,
                                           "items": items})
        made += 1
    point, manager = org["points"].get("SH-PD-4S"), org["users"].get("manager")
    if point is not None and manager is not None:
        name, items = SHANGHAI_MAINTENANCE
        checklist_create(user=manager, data={"service_type": "periodic_maintenance", "service_point_id": point.pk,
                                             "name": name, "items": items})
        made += 1
    return made


def _correct_last_entry(*, manager, technician, started: dt.datetime, minutes: int, note: str) -> None:
    entry = TimeEntry.objects.filter(technician=technician).order_by("-id").first()
    time_entry_correct(user=manager, pk=entry.pk, data={
        "started_at": started, "ended_at": started + dt.timedelta(minutes=minutes), "note": note})


def _technician_history(rng: random.Random, org: dict) -> dict[str, int]:
    point = org["points"].get("SH-PD-4S")
    advisor, technician, manager = (org["users"].get(name) for name in ("advisor", "technician", "manager"))
    counts = {"time entries": 0, "jobs done": 0, "jobs assigned": 0}
    if not all((point, advisor, technician, manager)):
        return counts
    in_repair = WorkOrder.objects.filter(service_point=point, status=WorkOrderStatus.IN_REPAIR).order_by("id").first()
    if in_repair is not None:
        jobs = list(in_repair.lines.filter(kind=LineKind.LABOUR, status=LineStatus.APPROVED).order_by("sequence"))
        start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=2, minutes=rng.randint(0, 20))
        if jobs:
            job_clock_on(user=technician, line_id=jobs[0].pk)
            job_clock_off(user=technician, line_id=jobs[0].pk, reason="done")
            _correct_last_entry(manager=manager, technician=technician, started=start,
                                minutes=rng.randint(28, 40), note="Clocked late on the tablet")
            counts["jobs done"] += 1
            counts["time entries"] += 1
        if len(jobs) > 1:
            job_clock_on(user=technician, line_id=jobs[1].pk, note="OBD scan")
            job_clock_off(user=technician, line_id=jobs[1].pk, reason="pause", note="Waiting for the customer's "
                          "answer on the brake pads")
            _correct_last_entry(manager=manager, technician=technician, started=start + dt.timedelta(minutes=45),
                                minutes=rng.randint(15, 25), note="Paused: supplement waits for the customer")
            counts["time entries"] += 1
    approved = WorkOrder.objects.filter(service_point=point, status=WorkOrderStatus.APPROVED).order_by("id").first()
    if approved is not None:
        for line in approved.lines.filter(kind=LineKind.LABOUR, status=LineStatus.APPROVED).order_by("sequence"):
            job_assign(user=advisor, order_id=approved.pk, line_id=line.pk, technician_ids=[technician.pk])
            counts["jobs assigned"] += 1
    return counts


def _discount_limits(org: dict) -> int:
    admin, changed = org["admin"], 0
    for username, limit in DISCOUNT_LIMITS.items():
        user = org["users"].get(username)
        if user is not None:
            user_update(user=admin, pk=user.pk, data={"discount_limit_percent": limit})
            changed += 1
    return changed


def create_floor_demo(*, rng: random.Random, org: dict, today: dt.date) -> dict[str, int]:
    """Checklists, the technicians' work on the demo orders, discount limits. ``today`` is not needed:
    the clocking happens now, as the services record it."""
    counts = {"quality checklists": _checklists(org)}
    counts.update(_technician_history(rng, org))
    counts["discount limits"] = _discount_limits(org)
    return counts
