"""Issue 9: by id, a draft's file goes to whoever may see the outgoing document (besides its uploader);
an administrator who may not see it gets 404 — metadata, not content."""

from __future__ import annotations

from qlvb.outgoing import selectors


def test_draft_files_by_id_follow_the_outgoing_document(client, person, draft, with_version, api_as):
    outgoing = with_version(draft())
    stored_id = outgoing.versions.get().stored_file_id
    clerk, admin = person("lethuha"), person("tranthilan")
    assert selectors.outgoing_visible_to(clerk).filter(pk=outgoing.pk).exists()
    assert not selectors.outgoing_visible_to(admin).filter(pk=outgoing.pk).exists()
    assert api_as("dothanhhuong").get(f"/api/v1/files/{stored_id}").status_code == 200  # the drafter, its uploader
    assert api_as(clerk).get(f"/api/v1/files/{stored_id}").status_code == 200  # sees every outgoing of the agency
    assert api_as(admin).get(f"/api/v1/files/{stored_id}").status_code == 404
    assert api_as("tytlienminh_buithiloan").get(f"/api/v1/files/{stored_id}").status_code == 404
