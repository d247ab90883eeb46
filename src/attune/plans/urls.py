from django.urls import path

from attune.plans import views, views_continuity, views_policy, views_rules, views_whatif

urlpatterns = [
    path("rules/", views_rules.rules_index, name="rules_index"),
    path("rules/bench/", views_rules.rules_bench, name="rules_bench"),
    path(
        "rules/publish/<int:jurisdiction_id>/",
        views_rules.rules_publish,
        name="rules_publish",
    ),
    path("rules/versions/<int:version_id>/", views_rules.rules_version, name="rules_version"),
    path("programs/<int:program_id>/rules/", views_rules.program_rules, name="program_rules"),
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
    path(
        "children/<int:child_id>/timeline/",
        views_continuity.child_timeline,
        name="child_timeline",
    ),
    path(
        "programs/<int:program_id>/continuity/",
        views_continuity.program_continuity,
        name="program_continuity",
    ),
    path(
        "programs/<int:program_id>/continuity.csv",
        views_continuity.program_continuity_csv,
        name="program_continuity_csv",
    ),
    path(
        "organizations/<int:organization_id>/continuity/",
        views_continuity.organization_continuity,
        name="organization_continuity",
    ),
    path("programs/<int:program_id>/what-if/", views_whatif.whatif_page, name="whatif"),
    path(
        "programs/<int:program_id>/what-if/enroll/",
        views_whatif.whatif_enroll,
        name="whatif_enroll",
    ),
    path(
        "programs/<int:program_id>/what-if/staffing/",
        views_whatif.whatif_staffing,
        name="whatif_staffing",
    ),
    path(
        "programs/<int:program_id>/what-if/waiting-list/",
        views_whatif.whatif_ranking,
        name="whatif_ranking",
    ),
    path(
        "programs/<int:program_id>/what-if/waiting-list/rank/",
        views_whatif.whatif_rank,
        name="whatif_rank",
    ),
    path(
        "programs/<int:program_id>/what-if/<int:run_id>/",
        views_whatif.whatif_run,
        name="whatif_run",
    ),
    path("state/continuity/", views_continuity.state_continuity, name="state_continuity"),
    path("state/policy/", views_policy.policy_page, name="state_policy"),
    path("state/policy/<int:policy_id>/", views_policy.policy_result, name="state_policy_result"),
    path(
        "state/continuity.csv",
        views_continuity.state_continuity_csv,
        name="state_continuity_csv",
    ),
]
