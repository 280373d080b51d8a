from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from aftersales.core.errors import ApplicationError, PermissionDeniedError

from . import selectors


def _search(request) -> dict:
    q = request.GET.get("q", "")
    context = {"q": " ".join(q.replace("\x00", "").split()), "results": None, "error": ""}
    if not q.strip():
        return context
    try:
        context["results"] = selectors.search_everything(user=request.user, q=q, limit=selectors.MAX_LIMIT)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except ApplicationError as exc:
        context["error"] = "; ".join(exc.fields.get("q", [exc.message]))
    return context


@login_required
def results(request):
    """The results page (/search/?q=), also where the navigation bar's search box submits."""
    return render(request, "search/results.html", _search(request))


@login_required
def live(request):
    """The results alone, fetched by HTMX while the user types."""
    return render(request, "search/_results.html", _search(request))
