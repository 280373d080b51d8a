from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

MONEY = {"max_digits": 14, "decimal_places": 2}


class ClaimIn(Schema):
    work_order_id: int = Field(description="An accident repair (service type accident) at one of your points.")
    coverage_id: int | None = Field(None, description="The vehicle's insurance policy; default: the one in force "
                                                      "on the accident date.")
    accident_date: date
    accident_place: str = Field("", max_length=200)
    accident_description: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)


class ClaimPatch(Schema):
    coverage_id: int | None = Field(None, description="Until the damage is assessed.")
    accident_date: date | None = Field(None, description="Until the damage is assessed.")
    accident_place: str | None = Field(None, max_length=200)
    accident_description: str | None = Field(None, max_length=5000)
    report_number: str | None = Field(None, max_length=64)
    reported_by: str | None = Field(None, max_length=100)
    reported_at: datetime | None = None
    assessor_name: str | None = Field(None, max_length=100, description="Until the repair is settled.")
    assessed_on: date | None = None
    assessed_amount: Decimal | None = Field(None, ge=0, description="A change while the claim is assessed applies "
                                                                    "the insurer's share again.", **MONEY)
    deductible: Decimal | None = Field(None, ge=0, **MONEY)
    assessment_notes: str | None = Field(None, max_length=5000)
    claim_number: str | None = Field(None, max_length=64)
    submitted_on: date | None = None
    notes: str | None = Field(None, max_length=5000)


class TransitionIn(Schema):
    to: str | None = Field(None, description="The state to go to (or give the step's name).")
    name: str | None = Field(None, description="The step: report, assess, documents_complete, repaired_settled, "
                                               "submit, pay, reject, withdraw.")
    note: str = Field("", max_length=500, description="Required to reject or withdraw.")
    report_number: str | None = Field(None, max_length=64, description="report")
    reported_by: str | None = Field(None, max_length=100, description="report (default: you)")
    reported_at: datetime | None = Field(None, description="report (default: now)")
    assessor_name: str | None = Field(None, max_length=100, description="assess")
    assessed_on: date | None = Field(None, description="assess (default: today)")
    assessed_amount: Decimal | None = Field(None, ge=0, description="assess", **MONEY)
    deductible: Decimal | None = Field(None, ge=0, description="assess", **MONEY)
    assessment_notes: str | None = Field(None, max_length=5000, description="assess")
    claim_number: str | None = Field(None, max_length=64, description="submit")
    submitted_on: date | None = Field(None, description="submit (default: today)")
    paid_amount: Decimal | None = Field(None, gt=0, description="pay: at most the insurer's balance on the order",
                                        **MONEY)
    paid_on: date | None = Field(None, description="pay (default: today)")


class DocumentIn(Schema):
    received: bool | None = None
    received_on: date | None = Field(None, description="Default: today, when received.")
    required: bool | None = Field(None, description="False waives a document the insurer does not need.")
    note: str | None = Field(None, max_length=255)


class DocumentOut(Schema):
    code: str
    label: str
    required: bool
    stage: str
    received: bool
    received_on: date | None
    has_scan: bool
    scan_name: str
    scan_type: str
    scan_size: int | None
    note: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_code_display())

    @staticmethod
    def resolve_has_scan(obj) -> bool:
        return bool(obj.scan)


class StepOut(Schema):
    name: str
    to: str
    label: str
    allowed: bool = Field(description="Whether you may take this step (your role at the order's point).")
    reasons: list[str] = Field(description="Why the step cannot be taken now (empty: it can).")
    fields: list[str] = Field(description="The claim fields the step takes.")
    note_required: bool


class ClaimOut(Schema):
    id: int
    status: str
    status_label: str
    work_order_id: int
    work_order_number: str
    work_order_status: str
    service_point_id: int
    customer_id: int
    customer_name: str
    asset_id: int
    vehicle: str
    coverage_id: int
    insurer: str
    policy_number: str
    accident_date: date
    accident_place: str
    accident_description: str
    report_number: str
    reported_by: str
    reported_at: datetime | None
    assessor_name: str
    assessed_on: date | None
    assessed_amount: Decimal | None
    deductible: Decimal
    insurer_share: Decimal | None = Field(description="Assessed amount less the deductible.")
    assessment_notes: str
    claim_number: str
    submitted_on: date | None
    paid_on: date | None
    paid_amount: Decimal | None
    payment_id: int | None
    closed_reason: str
    notes: str
    order_amount_due: Decimal
    order_insurer_amount: Decimal = Field(description="The insurer's share on the work order.")
    order_insurer_balance: Decimal = Field(description="What the insurer still owes on the work order.")
    order_balance: Decimal = Field(description="What the customer still owes on the work order.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_work_order_number(obj) -> str:
        return obj.work_order.number

    @staticmethod
    def resolve_work_order_status(obj) -> str:
        return obj.work_order.status

    @staticmethod
    def resolve_service_point_id(obj) -> int:
        return obj.work_order.service_point_id

    @staticmethod
    def resolve_customer_id(obj) -> int:
        return obj.work_order.customer_id

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.work_order.customer.name

    @staticmethod
    def resolve_asset_id(obj) -> int:
        return obj.work_order.asset_id

    @staticmethod
    def resolve_vehicle(obj) -> str:
        asset = obj.work_order.asset
        return asset.plate or asset.vin or str(asset)

    @staticmethod
    def resolve_order_amount_due(obj) -> Decimal:
        return obj.work_order.amount_due

    @staticmethod
    def resolve_order_insurer_amount(obj) -> Decimal:
        return obj.work_order.insurer_amount

    @staticmethod
    def resolve_order_insurer_balance(obj) -> Decimal:
        return obj.work_order.insurer_balance

    @staticmethod
    def resolve_order_balance(obj) -> Decimal:
        return obj.work_order.balance


class ClaimDetailOut(ClaimOut):
    documents: list[DocumentOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_documents(obj) -> list:
        return list(obj.documents.all())

    @staticmethod
    def resolve_steps(obj) -> list[dict]:
        return [{**step, "fields": list(step["transition"].fields), "note_required": step["transition"].note_required}
                for step in getattr(obj, "steps", [])]


class EventOut(Schema):
    id: int
    kind: str
    from_status: str
    to_status: str
    actor_id: int | None
    actor_name: str
    at: datetime
    note: str
    data: dict

    @staticmethod
    def resolve_actor_name(obj) -> str:
        if obj.actor is None:
            return ""
        return obj.actor.get_full_name() or obj.actor.get_username()
