from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.index, name="index"),
    path("da-doc/", views.read_all, name="read_all"),
    path("thu-dien-tu/", views.emails, name="emails"),
]
