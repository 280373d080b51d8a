from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from aftersales.core.inputs import MAX_ROW_ID

from .choices import PartCategory, PartUnit

MONEY = {"ge": 0, "le": Decimal("999999999999.99"), "decimal_places": 2}
QUANTITY = {"ge": 0, "le": Decimal("999999.99"), "decimal_places": 2}


class PartIn(Schema):
    number: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=120)
    category: PartCategory = PartCategory.OTHER
    brand: str = Field("", max_length=50)
    unit: PartUnit = PartUnit.PIECE
    sale_price: Decimal = Field(Decimal("0"), **MONEY)
    cost_price: Decimal = Field(Decimal("0"), **MONEY)
    is_wear_part: bool = False
    warranty_eligible: bool = True
    is_active: bool = True


class PartPatch(Schema):
    number: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=120)
    category: PartCategory | None = None
    brand: str | None = Field(None, max_length=50)
    unit: PartUnit | None = None
    sale_price: Decimal | None = Field(None, **MONEY)
    cost_price: Decimal | None = Field(None, **MONEY)
    is_wear_part: bool | None = None
    warranty_eligible: bool | None = None
    is_active: bool | None = None


class PartOut(Schema):
    id: int
    number: str
    name: str
    category: str
    brand: str
    unit: str
    sale_price: Decimal
    cost_price: Decimal
    is_wear_part: bool
    warranty_eligible: bool
    is_active: bool


class PointStockOut(Schema):
    stock_id: int = Field(alias="id")
    service_point_id: int
    service_point_name: str = Field(alias="service_point.name")
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    bin_location: str


class PartDetailOut(PartOut):
    stock: list[PointStockOut] = Field(alias="stock_at_points", description="Stock at the points you may see.")


class StockIn(Schema):
    part_id: int = Field(ge=1, le=MAX_ROW_ID)
    service_point_id: int = Field(ge=1, le=MAX_ROW_ID)
    reorder_point: Decimal = Field(Decimal("0"), **QUANTITY)
    bin_location: str = Field("", max_length=32)


class StockPatch(Schema):
    reorder_point: Decimal | None = Field(None, **QUANTITY)
    bin_location: str | None = Field(None, max_length=32)


class StockOut(Schema):
    id: int
    part_id: int
    part_number: str = Field(alias="part.number")
    part_name: str = Field(alias="part.name")
    category: str = Field(alias="part.category")
    unit: str = Field(alias="part.unit")
    service_point_id: int
    service_point_name: str = Field(alias="service_point.name")
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    reorder_point: Decimal
    below_reorder: bool
    bin_location: str
    updated_at: datetime


class ReceiptIn(Schema):
    quantity: Decimal = Field(gt=0, le=Decimal("999999.99"), decimal_places=2)
    unit_cost: Decimal | None = Field(None, **MONEY)
    delivery_note: str = Field("", max_length=64)
    note: str = Field("", max_length=255)


class AdjustmentIn(Schema):
    counted: Decimal = Field(**QUANTITY)
    reason: str = Field(min_length=1, max_length=255)
    reference: str = Field("", max_length=64, description="Count sheet number.")


class MovementOut(Schema):
    id: int
    kind: str
    kind_label: str = ""
    quantity: Decimal
    on_hand_after: Decimal
    reserved_after: Decimal
    unit_cost: Decimal | None
    reference: str
    note: str
    work_order_line_id: int | None
    work_order_id: int | None = None
    work_order_number: str | None = None
    actor: str | None = None
    at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_work_order_id(obj) -> int | None:
        line = obj.work_order_line
        return line.work_order_id if line else None

    @staticmethod
    def resolve_work_order_number(obj) -> str | None:
        line = obj.work_order_line
        return line.work_order.number if line else None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class ReservedOut(Schema):
    line_id: int
    work_order_id: int
    work_order_number: str
    quantity: Decimal


class ReceiptOut(Schema):
    movement: MovementOut
    stock: StockOut
    reserved_for_lines: list[ReservedOut] = Field(description="Work-order lines that were short and now hold it.")
    message: str
