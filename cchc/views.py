from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scoring.selectors import home_results


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Results of the units the user belongs to, latest period first."""
    return render(request, "cchc/home.html", {"results": home_results(request.user)})
