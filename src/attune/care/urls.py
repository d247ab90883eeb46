from django.urls import path

from attune.care import views, views_messages, views_photos

urlpatterns = [
    path("programs/<int:program_id>/record/", views.record, name="care_record"),
    path("children/<int:child_id>/record/log/", views.log_entry, name="care_log"),
    path("children/<int:child_id>/record/entries/", views.entries, name="care_entries"),
    path("care/entries/<int:entry_id>/end/", views.end_nap, name="care_end_nap"),
    path("care/entries/<int:entry_id>/check/", views.check_nap, name="care_check_nap"),
    path("care/entries/<int:entry_id>/undo/", views.undo_entry, name="care_undo"),
    path("care/entries/<int:entry_id>/correct/", views.correct_entry, name="care_correct"),
    path("children/<int:child_id>/day/", views.child_day, name="child_day"),
    path("children/<int:child_id>/day/summary/", views.day_summary, name="day_summary"),
    path("children/<int:child_id>/day/email/", views.email_summary, name="day_email"),
    path("children/<int:child_id>/day/note/", views.family_note, name="family_note"),
    path("children/<int:child_id>/care-plan/", views.care_plan, name="care_plan"),
    path("children/<int:child_id>/care-plan/edit/", views.care_plan_edit, name="care_plan_edit"),
    path("care-plans/<int:plan_id>/", views.care_plan_version, name="care_plan_version"),
    path("care-plans/<int:plan_id>/decide/", views.care_plan_decide, name="care_plan_decide"),
    path("children/<int:child_id>/messages/", views_messages.child_messages, name="child_messages"),
    path("children/<int:child_id>/photos/", views_photos.add_photo, name="care_photo_add"),
    path(
        "children/<int:child_id>/photos/consent/",
        views_photos.photo_consent,
        name="care_photo_consent",
    ),
    path("photos/<int:photo_id>/", views_photos.photo, name="care_photo"),
    path("children/<int:child_id>/ifsp/", views.ifsp, name="ifsp"),
    path("children/<int:child_id>/ifsp/edit/", views.ifsp_edit, name="ifsp_edit"),
]
