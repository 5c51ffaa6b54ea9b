"""Issue 9: by id, a draft's file goes to whoever may see the outgoing document (besides its uploader);
an administrator who may not see it gets 404 — metadata, not content."""

from __future__ import annotations

from qlvb.directory.tokens import token_issue
from qlvb.outgoing import selectors


def _by_id(client, user, file_id):
    return client.get(f"/api/v1/files/{file_id}", HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")


def test_draft_files_by_id_follow_the_outgoing_document(client, person, draft, with_version):
    outgoing = with_version(draft())
    stored_id = outgoing.versions.get().stored_file_id
    clerk, admin = person("lethuha"), person("tranthilan")
    assert selectors.outgoing_visible_to(clerk).filter(pk=outgoing.pk).exists()
    assert not selectors.outgoing_visible_to(admin).filter(pk=outgoing.pk).exists()
    assert _by_id(client, person("dothanhhuong"), stored_id).status_code == 200  # the drafter, its uploader
    assert _by_id(client, clerk, stored_id).status_code == 200  # sees every outgoing of the agency
    assert _by_id(client, admin, stored_id).status_code == 404
    assert _by_id(client, person("tytlienminh_buithiloan"), stored_id).status_code == 404
