from django.urls import path

from attune.jobs import views

urlpatterns = [
    path("jobs/", views.my_jobs, name="my_jobs"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<int:job_id>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:job_id>/file/", views.job_file, name="job_file"),
    path("programs/<int:program_id>/jobs/", views.program_jobs, name="program_jobs"),
]
