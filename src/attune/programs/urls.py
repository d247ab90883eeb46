from django.urls import path

from attune.programs import (
    views,
    views_attendance,
    views_audit,
    views_import,
    views_people,
    views_setup,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("family/", views.family_home, name="family_home"),
    path("support/", views.support_home, name="support_home"),
    path("state/", views.state_home, name="state_home"),
    path(
        "organizations/<int:organization_id>/",
        views.organization_home,
        name="organization_home",
    ),
    path(
        "organizations/<int:organization_id>/audit/",
        views_audit.organization_audit,
        name="organization_audit",
    ),
    path("programs/<int:program_id>/", views.program_dashboard, name="program_dashboard"),
    path("programs/<int:program_id>/audit/", views_audit.program_audit, name="program_audit"),
    path("programs/<int:program_id>/overview/", views.program_overview, name="program_overview"),
    path("programs/<int:program_id>/children/", views.child_list, name="child_list"),
    path("programs/<int:program_id>/children/new/", views.child_create, name="child_create"),
    path("programs/<int:program_id>/caregivers/", views.caregiver_list, name="caregiver_list"),
    path("programs/<int:program_id>/people/", views_people.program_people, name="program_people"),
    path(
        "programs/<int:program_id>/settings/",
        views_setup.program_settings,
        name="program_settings",
    ),
    path("programs/<int:program_id>/rooms/new/", views_setup.room_create, name="room_create"),
    path("rooms/<int:room_id>/edit/", views_setup.room_edit, name="room_edit"),
    path(
        "organizations/<int:organization_id>/programs/new/",
        views_setup.program_create,
        name="program_create",
    ),
    path(
        "organizations/<int:organization_id>/people/",
        views_people.organization_people,
        name="organization_people",
    ),
    path(
        "programs/<int:program_id>/caregivers/new/",
        views.caregiver_create,
        name="caregiver_create",
    ),
    path("programs/<int:program_id>/families/", views.family_list, name="family_list"),
    path("programs/<int:program_id>/families/new/", views.family_create, name="family_create"),
    path(
        "programs/<int:program_id>/families/share/",
        views.family_share_request,
        name="family_share_request",
    ),
    path(
        "family-shares/<int:share_id>/decide/",
        views.family_share_decide,
        name="family_share_decide",
    ),
    path("programs/<int:program_id>/waitlist/", views.waitlist, name="waitlist"),
    path("programs/<int:program_id>/waitlist/new/", views.waitlist_edit, name="waitlist_create"),
    path(
        "programs/<int:program_id>/waitlist/<int:entry_id>/edit/",
        views.waitlist_edit,
        name="waitlist_edit",
    ),
    path("children/<int:child_id>/", views.child_detail, name="child_detail"),
    path(
        "children/<int:child_id>/invite-family/",
        views_people.invite_family,
        name="child_invite_family",
    ),
    path("children/<int:child_id>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:child_id>/delete/", views.child_delete, name="child_delete"),
    path("children/<int:child_id>/audit/", views.child_audit, name="child_audit"),
    path("caregivers/<int:caregiver_id>/", views.caregiver_detail, name="caregiver_detail"),
    path("caregivers/<int:caregiver_id>/edit/", views.caregiver_edit, name="caregiver_edit"),
    path("caregivers/<int:caregiver_id>/end/", views_people.caregiver_end, name="caregiver_end"),
    path("caregivers/<int:caregiver_id>/move/", views_people.caregiver_move, name="caregiver_move"),
    path("families/<int:family_id>/", views.family_detail, name="family_detail"),
    path("families/<int:family_id>/edit/", views.family_edit, name="family_edit"),
    path("families/<int:family_id>/guardians/new/", views.guardian_edit, name="guardian_create"),
    path(
        "families/<int:family_id>/guardians/<int:guardian_id>/edit/",
        views.guardian_edit,
        name="guardian_edit",
    ),
    path(
        "families/<int:family_id>/guardians/<int:guardian_id>/delete/",
        views.guardian_delete,
        name="guardian_delete",
    ),
    path("programs/<int:program_id>/import/", views_import.import_upload, name="import_upload"),
    path(
        "programs/<int:program_id>/import/example/<str:kind>.csv",
        views_import.import_example,
        name="import_example",
    ),
    path("imports/<int:batch_id>/", views_import.import_preview, name="import_preview"),
    path(
        "programs/<int:program_id>/export/<str:kind>.csv",
        views_import.export_csv,
        name="export_csv",
    ),
]

# attendance (issue #19)
urlpatterns += [
    path("rooms/<int:room_id>/today/", views_attendance.room_today, name="room_today"),
    path("children/<int:child_id>/sign-in/", views_attendance.sign_in, name="attendance_sign_in"),
    path(
        "children/<int:child_id>/sign-out/", views_attendance.sign_out, name="attendance_sign_out"
    ),
    path("caregivers/<int:caregiver_id>/clock/", views_attendance.clock, name="attendance_clock"),
    path(
        "children/<int:child_id>/absences/", views_attendance.absences, name="attendance_absences"
    ),
    path(
        "absences/<int:absence_id>/withdraw/",
        views_attendance.absence_withdraw,
        name="absence_withdraw",
    ),
    path("children/<int:child_id>/door/", views_attendance.door, name="attendance_door"),
    path(
        "programs/<int:program_id>/attendance/",
        views_attendance.attendance_report,
        name="attendance_report",
    ),
    path("programs/<int:program_id>/door-code/", views_attendance.door_code, name="door_code"),
]
