from django.contrib.auth import views as auth_views
from django.urls import path

from attune.accounts import views, views_notifications

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("invitation/<str:key>/", views.accept_invitation, name="invitation"),
    path("me/", views.account, name="account"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("notifications/read/", views_notifications.notifications_read, name="notifications_read"),
    path("notifications/live/", views_notifications.notifications_live, name="notifications_live"),
    path(
        "notifications/choices/",
        views_notifications.notification_choices,
        name="notification_choices",
    ),
]
