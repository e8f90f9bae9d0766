"""Lift the active API ban of a client address, for scripts."""

import ipaddress

from django.core.management.base import BaseCommand, CommandError

from pyorchestrator.bans import lift_bans
from pyorchestrator.models import ClientBan


class Command(BaseCommand):
    help = (
        "Lift the active API ban of ADDRESS, as the admin's Lift selected bans action does. "
        "The address can call the API again on its next request."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", help="The banned client address, such as 203.0.113.7 or 2001:db8::1.")

    def handle(self, *args, address, **options):
        try:
            normalised = str(ipaddress.ip_address(address.strip()))
        except ValueError:
            raise CommandError(f"ADDRESS must be an IPv4 or IPv6 address, not {address!r}.") from None

        lifted = lift_bans(ClientBan.objects.filter(address=normalised), lifted_by="manage.py lift_api_ban")
        if not lifted:
            raise CommandError(f"{normalised} has no active API ban.")
        self.stdout.write(f"Lifted the API ban of {normalised}.")
