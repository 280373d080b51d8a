from ninja import Query, Router

from aftersales.core.api import ERRORS

from . import selectors
from .schemas import SearchOut

router = Router(tags=["search"])


@router.get("/search", response={200: SearchOut, **ERRORS},
            summary="Find customers and assets by name, pinyin, initials, phone, plate, VIN, serial or ID number",
            description="`q` needs at least 2 characters. Customers come first, then assets; each type holds at "
                        "most `limit` results, limited to the caller's service points. Phone and ID numbers "
                        "are masked for roles that may not see personal data.")
def search(request, q: str = "", limit: int = Query(20, ge=1, le=selectors.MAX_LIMIT)):
    results = selectors.search_everything(user=request.user, q=q, limit=limit)
    return {"q": results.q, "lookups": results.lookups, "items": results.items}
