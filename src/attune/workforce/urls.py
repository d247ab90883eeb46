from django.urls import path

from attune.workforce import views, views_association, views_directory

urlpatterns = [
    path("workforce/me/", views.me, name="workforce_me"),
    path("workforce/me/profile/", views.save_profile, name="workforce_profile"),
    path("workforce/me/education/", views.add_education, name="workforce_education"),
    path("workforce/me/experience/", views.add_experience, name="workforce_experience"),
    path("workforce/me/training/", views.add_training, name="workforce_training"),
    path("workforce/me/training/attune/", views.import_training, name="workforce_import_training"),
    path("workforce/me/rsc/", views.add_rsc, name="workforce_rsc"),
    path("workforce/me/portfolio.json", views.portfolio_json, name="workforce_portfolio_json"),
    path("workforce/me/portfolio.pdf", views.portfolio_pdf, name="workforce_portfolio_pdf"),
    path("programs/<int:program_id>/workforce/", views.program_dashboard, name="workforce_program"),
    path("workforce/state/", views.state_dashboard, name="workforce_state"),
    path(
        "workforce/state/requirements/",
        views.state_requirements,
        name="workforce_state_requirements",
    ),
    path("workforce/groups/", views.groups, name="workforce_groups"),
    path("workforce/me/facilitating/", views.facilitating, name="workforce_facilitating"),
    path("workforce/groups/<int:group_id>/", views.group, name="workforce_group"),
    path("workforce/me/applications/", views.applications, name="workforce_applications"),
    path(
        "workforce/me/applications/<int:application_id>/",
        views.application,
        name="workforce_application",
    ),
    path(
        "workforce/me/documents/<int:document_id>/",
        views.application_document,
        name="workforce_document",
    ),
    path("workforce/directory/", views_directory.directory, name="workforce_directory"),
    path("workforce/directory/me/", views_directory.directory_me, name="workforce_directory_me"),
    path(
        "workforce/directory/<int:entry_id>/request/",
        views_directory.request_support,
        name="workforce_request_support",
    ),
    path(
        "workforce/support-requests/",
        views_directory.support_requests,
        name="workforce_support_requests",
    ),
    path(
        "workforce/support-requests/<int:request_id>/answer/",
        views_directory.answer_support_request,
        name="workforce_answer_support_request",
    ),
    path("workforce/association/", views_association.coordinator, name="workforce_coordinator"),
    path(
        "workforce/association/people/<int:profile_id>/",
        views_association.coordinator_person,
        name="workforce_coordinator_person",
    ),
    path(
        "workforce/association/people/<int:profile_id>/evidence/",
        views_association.coordinator_evidence,
        name="workforce_coordinator_evidence",
    ),
    path(
        "workforce/association/people/<int:profile_id>/portfolio.pdf",
        views_association.coordinator_portfolio,
        name="workforce_coordinator_portfolio",
    ),
]
