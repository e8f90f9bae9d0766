"""Admin of API keys (for key managers) and client bans (for operators)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from pyorchestrator.bans import lift_bans
from pyorchestrator.models import ClientBan
from pyorchestrator.scope_admin import ApiKeyScopeInline

# The console's own name in place of Django's "Django administration".
admin.site.site_header = _("PyOrchestrator administration")
admin.site.site_title = _("PyOrchestrator administration")
admin.site.index_title = _("Queues, triggers and API keys")
# No "View site" link: the service has no public pages, and "/" is a JSON 404.
admin.site.site_url = None

# The attribute of the request that carries a new key from save_model to
# response_add, so it is shown in that one response and stored nowhere.
_NEW_KEY_ATTRIBUTE = "_pyorchestrator_new_api_key"


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = APIKey
        fields = ["name", "expiry_date", "revoked"]
        # The library's own help texts are not in this project's translation.
        help_texts = {
            "name": _("The name of the system that uses the key. Need not be unique; at most 50 characters."),
            "expiry_date": _("From this local time on the key is rejected. Leave empty for a key that never expires."),
            "revoked": _("A revoked key is rejected from the next request on. Revoking cannot be undone."),
        }

    def clean_expiry_date(self):
        expiry_date = self.cleaned_data.get("expiry_date")
        if expiry_date is not None and "expiry_date" in self.changed_data and expiry_date <= timezone.now():
            raise forms.ValidationError(_("The expiry date must be in the future. To stop a key now, revoke it."))
        return expiry_date


class ApiKeyAdmin(APIKeyModelAdmin):
    """Create, expire and revoke API keys; a new key is shown once, right after saving."""

    form = ApiKeyForm
    list_display = ("name", "prefix", "created", "expiry_date", "expired", "revoked")
    list_filter = ("revoked", "created", "expiry_date")
    search_fields = ("name", "prefix")
    actions = ["revoke_keys"]
    inlines = [ApiKeyScopeInline]

    @admin.display(boolean=True, description=_("expired"))
    def expired(self, api_key):
        return api_key.has_expired

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        key = APIKey.objects.assign_key(obj)
        obj.save()
        setattr(request, _NEW_KEY_ATTRIBUTE, key)

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, _NEW_KEY_ATTRIBUTE, None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("New API key"),
            "api_key": obj,
            "key": key,
        }
        response = TemplateResponse(request, "admin/rest_framework_api_key/apikey/key_created.html", context)
        # The page contains a secret, so no browser or proxy may keep a copy.
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke selected API keys"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(revoked=False):
            api_key.revoked = True
            api_key.save(update_fields=["revoked"])
            revoked += 1
        self.message_user(
            request,
            ngettext("Revoked %(count)d API key.", "Revoked %(count)d API keys.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )


class ActiveBanFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("ended", _("Ended or lifted"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "ended":
            return queryset.exclude(pk__in=queryset.active().values("pk"))
        return queryset


class ClientBanAdmin(admin.ModelAdmin):
    """Bans are written by the API; operators read them and lift them."""

    list_display = ("address", "banned_at", "banned_until", "attempts", "key_prefix", "active", "lifted_at", "lifted_by")
    list_filter = (ActiveBanFilter,)
    search_fields = ("address", "key_prefix")
    readonly_fields = ("address", "banned_at", "banned_until", "attempts", "key_prefix", "lifted_at", "lifted_by")
    actions = ["lift_selected_bans"]

    @admin.display(boolean=True, description=_("active"))
    def active(self, ban):
        return ban.is_active

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Lift selected bans"), permissions=["change"])
    def lift_selected_bans(self, request, queryset):
        lifted = lift_bans(queryset, lifted_by=request.user.get_username())
        self.message_user(
            request,
            ngettext("Lifted %(count)d ban.", "Lifted %(count)d bans.", lifted) % {"count": lifted},
            messages.SUCCESS,
        )


try:
    admin.site.unregister(APIKey)
except NotRegistered:
    pass
admin.site.register(APIKey, ApiKeyAdmin)
admin.site.register(ClientBan, ClientBanAdmin)
