from django.urls import path

from remediation.views import dashboard

app_name = "dashboard"

urlpatterns = [
    path("don-vi/<int:unit_pk>/", dashboard.unit_dashboard, name="unit"),
    path("xep-hang/", dashboard.ranking, name="ranking"),
]
