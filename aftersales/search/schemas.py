from ninja import Schema


class SearchHitOut(Schema):
    type: str
    id: int
    title: str
    subtitle: str
    url: str
    match: str
    match_label: str


class SearchOut(Schema):
    q: str
    lookups: list[str]
    items: list[SearchHitOut]
