from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cchc import signin, views

admin.site.site_header = "Quản trị Chỉ số CCHC"
admin.site.site_title = "Chỉ số CCHC"
admin.site.index_title = "Dữ liệu hệ thống"
admin.site.login_form = signin.AdminSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("tong-quan/", views.summary, name="summary"),
    path("healthz/", views.health, name="health"),
    path("tong-quan/", include("remediation.dashboard_urls")),
    path("dang-nhap/", signin.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("phien/", views.session_status, name="session"),
    path("danh-gia/", include("scoring.urls")),
    path("khac-phuc/", include("remediation.urls")),
    path("admin/", admin.site.urls),
    path("excel/", include("exchange.urls")),
    path("van-ban/", include("documents.urls")),
    path("dot-danh-gia/", include("rounds.urls")),
    path("thong-bao/", include("notices.urls")),
    path("tai-khoan/", include("accounts.urls")),
]
