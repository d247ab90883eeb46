from django.urls import path

from attune.api import views
from attune.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("account/api-tokens/", views.token_list, name="api_tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("account/webhooks/", views.webhook_list, name="api_webhooks"),
    path("account/webhooks/<int:webhook_id>/", views.webhook_detail, name="api_webhook"),
]
