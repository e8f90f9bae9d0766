"""Insert the rows a benchmark or soak run needs (run with the service's settings).

    python -m bench.seed trigger NAME       a SINGLE trigger named NAME
    python -m bench.seed vejman COUNT STATUS COUNT rows of VejmanKassen with FakturaStatus STATUS
"""

import sys
import uuid
from datetime import date


def seed_trigger(name: str) -> None:
    from pyorchestrator.local_time import local_now
    from triggers.models import SingleTrigger

    SingleTrigger.objects.create(
        id=uuid.uuid4(),
        trigger_name=name,
        process_name="bench",
        process_path="bench.py",
        process_status="IDLE",
        is_git_repo=False,
        is_blocking=False,
        priority=0,
        type="SINGLE",
        next_run=local_now(),
    )


def seed_vejman(count: int, status: str) -> None:
    from vejman.models import VejmanKassen

    batch_size = 5000
    for start in range(0, count, batch_size):
        VejmanKassen.objects.bulk_create(
            VejmanKassen(
                henstilling_id=f"H-{number:07d}",
                cvr=10000000 + number,
                firma_navn=f"Firma {number} ApS",
                startdato=date(2025, 6, 1 + number % 28),
                slutdato=date(2025, 7, 1 + number % 28),
                adresse=f"Bispensgade {number % 200}",
                forseelse="Stillads uden tilladelse",
                longitude=9.9217,
                latitude=57.0488,
                faktura_status=status,
                kvadratmeter=12.5,
                tilladelsestype="Henstilling Stillads m2",
            )
            for number in range(start, min(start + batch_size, count))
        )
    print(VejmanKassen.objects.filter(faktura_status=status).order_by("id").values_list("id", flat=True).first())


def main(argv: list[str]) -> None:
    import django

    django.setup()
    match argv:
        case ["trigger", name]:
            seed_trigger(name)
        case ["vejman", count, status]:
            seed_vejman(int(count), status)
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
