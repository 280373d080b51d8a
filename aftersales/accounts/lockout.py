"""What a locked-out login gets (django-axes calls this): JSON for the API, a page for the UI."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    message = _("Too many failed attempts; this account is locked for a while.")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message, "fields": {}}, status=429)
    return render(request, "registration/locked_out.html", status=429)
