from django.urls import path

from medcenter.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("two-step/setup/", views.mfa_setup, name="mfa_setup"),
    path("two-step/verify/", views.mfa_verify, name="mfa_verify"),
    path("two-step/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "two-step/recovery-codes/new/", views.regenerate_recovery_codes, name="recovery_codes_new"
    ),
    path("two-step/remove/", views.remove_mfa, name="mfa_remove"),
    path("security/", views.security, name="security"),
    path("security/confirm/", views.confirm_identity, name="confirm_identity"),
    path("security/password/", views.change_password, name="change_password"),
    path("security/email/", views.change_email, name="change_email"),
    path("security/email/resend/", views.resend_verification, name="resend_verification"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("session/", views.session_status, name="session_status"),
    path("session/extend/", views.session_extend, name="session_extend"),
]
