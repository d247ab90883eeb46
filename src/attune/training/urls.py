from django.urls import path

from attune.training import views, views_feeds

urlpatterns = [
    path("training/", views.home, name="training_home"),
    path("training/requests/new/", views.request_create, name="training_request"),
    path("training/requests/<int:request_id>/schedule/", views.schedule, name="training_schedule"),
    path("training/events/<int:event_id>/", views.event_detail, name="training_event"),
    path("training/events/<int:event_id>/enroll/", views.enroll, name="training_enroll"),
    path(
        "training/events/<int:event_id>/attendance/",
        views.attendance,
        name="training_attendance",
    ),
    path(
        "training/enrollments/<int:enrollment_id>/commitment/",
        views.commitment,
        name="training_commitment",
    ),
    path("training/deliveries/new/", views.delivery_create, name="training_delivery_create"),
    path(
        "training/deliveries/<int:delivery_id>/",
        views.delivery_detail,
        name="training_delivery",
    ),
    path(
        "training/deliveries/<int:delivery_id>/certificates/<int:attendee_id>/",
        views.certificate,
        name="training_certificate",
    ),
    path(
        "training/certificates/<int:certificate_id>.pdf",
        views.my_certificate,
        name="training_my_certificate",
    ),
    path("certificates/<str:token>/", views.certificate_verify, name="certificate_verify"),
    path(
        "training/event-sessions/<int:event_session_id>/evaluate/",
        views.evaluate,
        name="training_evaluate",
    ),
    path(
        "training/events/<int:event_id>/evaluations/",
        views.evaluations,
        name="training_evaluations",
    ),
    path("training/evaluations/", views.evaluations_overview, name="training_evaluations_overview"),
    path(
        "training/deliveries/<int:delivery_id>/certificates/",
        views.delivery_certificates,
        name="training_delivery_certificates",
    ),
    path("training/registry/", views.registry, name="training_registry"),
    path("training/registry/export/", views.registry_export, name="training_registry_export"),
    path(
        "training/registry/exports/<int:export_id>.csv",
        views.registry_batch,
        name="training_registry_batch",
    ),
    path("training/reach/", views.reach, name="training_reach"),
    path("training/registry/import/", views.registry_import, name="training_registry_import"),
    path("training/core-knowledge/", views.core_knowledge, name="training_core_knowledge"),
    path("training/calendars/", views_feeds.calendars, name="training_calendars"),
    path("training/calendar/<str:token>.ics", views_feeds.feed, name="training_feed"),
    path("training/sessions/", views.series, name="training_series"),
    path("training/sessions/<int:number>/", views.session_detail, name="training_session"),
    path("training/materials/<int:material_id>/", views.material_file, name="training_material"),
    path("training/support/", views.support, name="training_support"),
    path(
        "training/people/<int:person_id>/reflections/",
        views.reflections,
        name="training_reflections",
    ),
    path(
        "training/deliveries/<int:delivery_id>/sessions/<int:session_id>/fidelity/",
        views.fidelity,
        name="training_fidelity",
    ),
    path("training/fidelity/", views.fidelity_overview, name="training_fidelity_overview"),
    path(
        "programs/<int:program_id>/self-assessment/",
        views.self_assessment,
        name="program_self_assessment",
    ),
]
