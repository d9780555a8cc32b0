from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wuxing.core import views as core_views
from wuxing.evaluation import urls as evaluation_urls
from wuxing.workbench import views as workbench_views

admin.site.site_header = "五星支部创建管理平台"
admin.site.site_title = "五星"

urlpatterns = [
    path("", workbench_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("help/", core_views.help_page, name="help"),
    path("notifications/", core_views.notifications, name="notifications"),
    path("notifications/read/", core_views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", core_views.notification_open, name="notification_open"),
    path("exports/", core_views.exports, name="exports"),
    path("exports/<int:pk>/download/", core_views.export_download, name="export_download"),
    path("messaging/", include("wuxing.messaging.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.WuxingPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("orgs/", include("wuxing.orgs.urls")),
    path("standards/", include("wuxing.standards.urls")),
    path("creation/", include("wuxing.creation.urls")),
    path("weekly/", include("wuxing.weekly.urls")),
    path("evaluation/", include("wuxing.evaluation.urls")),
    path("contest/", include("wuxing.contest.urls")),
    path("activities/", include("wuxing.activities.urls")),
    path("casefiles/", include("wuxing.casefiles.urls")),
    path("public/notices/", include((evaluation_urls.public_urlpatterns, "public"))),
    path("public/captcha/", include("captcha.urls")),  # the objection form's captcha images, drawn locally
    path("api/", include("wuxing.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "wuxing.core.views.not_found"
