"""Re-chain the entries written under plain SHA-256 with HMAC-SHA256 under the audit key.

The old chain is checked first and the result is recorded in the entry ``audit.rechained`` appended at
the end (with the old head), so re-chaining never hides an alteration made before it. On PostgreSQL
the append-only trigger is switched off for this one transaction only.
"""

import datetime as dt
import json

from django.db import migrations


def rechain(apps, schema_editor):
    rechain_entries(apps, schema_editor.connection)


def _sql(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)


def rechain_entries(apps, connection):
    from qlvb.core import audit

    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditChainHead")
    entries = list(entry_model.objects.order_by("seq"))
    if not entries:
        return
    key = audit.audit_key()
    # 1. the old, unkeyed chain as it stands
    prev, first_bad, expected = audit.GENESIS, None, 1
    for entry in entries:
        if (
            entry.seq != expected or entry.prev_hash != prev or audit.plain_sha256_hash(prev, entry) != entry.hash
        ) and first_bad is None:
            first_bad = expected
        prev = entry.hash
        expected += 1
    old_head = head_model.objects.filter(id=1).first()
    postgres = connection.vendor == "postgresql"
    if postgres:
        _sql(connection, "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
    # 2. the keyed chain: hashes are rewritten in place, the content is not touched
    prev = audit.GENESIS
    for entry in entries:
        entry.prev_hash = prev
        entry.hash = audit.entry_hash(prev, entry, key)
        entry_model.objects.filter(seq=entry.seq).update(prev_hash=entry.prev_hash, hash=entry.hash)
        prev = entry.hash
    if postgres:
        _sql(connection, "ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
    # 3. the record of it, chained like any entry
    data = {
        "entries": len(entries),
        "scheme": "hmac-sha256",
        "key_id": audit.key_id(key),
        "old_head_seq": old_head.last_seq if old_head else None,
        "old_head_hash": old_head.last_hash if old_head else None,
        "old_chain_intact": first_bad is None and (old_head is None or old_head.last_seq == len(entries)),
        "old_chain_first_bad_seq": first_bad,
    }
    record = entry_model(
        seq=entries[-1].seq + 1,
        created_at=dt.datetime.now(dt.UTC),
        action="audit.rechained",
        actor_id=None,
        actor_username="",
        ip=None,
        object_type="core.auditentry",
        object_id="",
        object_repr="Nhật ký hệ thống",
        data=json.loads(json.dumps(data)),
        prev_hash=prev,
    )
    record.hash = audit.entry_hash(prev, record, key)
    record.save(force_insert=True)
    head_model.objects.update_or_create(
        id=1, defaults={"last_seq": record.seq, "last_hash": record.hash, "key_id": audit.key_id(key)}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_key_and_truncate_guard")]
    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
