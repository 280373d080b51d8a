from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def results(request):
    return render(request, "search/results.html", {"q": request.GET.get("q", "").strip(), "results": []})
