from django.urls import path

from accounts import oidc
from accounts.views import password, people, profile, twofactor

app_name = "accounts"

urlpatterns = [
    path("", profile.profile, name="profile"),
    path("doi-mat-khau/", password.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", password.password_reset, name="password_reset"),
    path("quen-mat-khau/da-gui/", password.password_reset_sent, name="reset_sent"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        password.SetPasswordView.as_view(),
        name="reset_confirm",
    ),
    path("loi-moi/<uidb64>/<token>/", password.InvitationView.as_view(), name="invitation"),
    path("sso/", oidc.SSOStartView.as_view(), name="sso_start"),
    path("sso/xong/", oidc.SSOCallbackView.as_view(), name="sso_callback"),
    path("xac-thuc-hai-buoc/", twofactor.two_factor, name="two_factor"),
    path("xac-thuc-hai-buoc/nhap-ma/", twofactor.two_factor_verify, name="two_factor_verify"),
    path("gui-loi-moi/", people.invitations, name="invitations"),
    path("gui-loi-moi/<int:pk>/", people.invitation_batch, name="invitation_batch"),
    path("don-vi/<int:unit_pk>/", people.unit_people, name="unit_people"),
    path("don-vi/<int:unit_pk>/<int:pk>/moi/", people.person_invite, name="person_invite"),
    path("don-vi/<int:unit_pk>/<int:pk>/thoi-chuc-vu/", people.post_end, name="post_end"),
]
