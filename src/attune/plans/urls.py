from django.urls import path

from attune.plans import views

urlpatterns = [
    path("programs/<int:program_id>/plan/", views.plan_board, name="plan_board"),
    path("programs/<int:program_id>/plan/run/", views.plan_run, name="plan_run"),
    path("programs/<int:program_id>/plan/<int:run_id>/move/", views.plan_move, name="plan_move"),
    path("programs/<int:program_id>/plan/<int:run_id>/save/", views.plan_save, name="plan_save"),
    path(
        "programs/<int:program_id>/plan/<int:run_id>/accept/",
        views.plan_accept,
        name="plan_accept",
    ),
    path("programs/<int:program_id>/plan/<int:run_id>/print/", views.plan_print, name="plan_print"),
    path("programs/<int:program_id>/plan/<int:run_id>/json/", views.plan_json, name="plan_json"),
]
