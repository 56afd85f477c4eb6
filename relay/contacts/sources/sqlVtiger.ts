// A ready query for the `sql` source over a vtiger CRM database (vtiger 8.x on MariaDB; tables as in
// the CRM reference). Contacts with their organisation, organisations themselves, the owner's user
// name, and records in the recycle bin (`vtiger_crmentity.deleted = 1`) marked deleted. vtiger's
// record ids (crmid) are unique across modules, so contacts and organisations never collide and a
// contact's company_id is its organisation's own id.
//
// A contact's updated_at is the later of its own modifiedtime and its organisation's, so renaming or
// deleting an organisation brings its contacts again with the new company name (or none).
export const VTIGER_CONTACTS_QUERY = `SELECT e.crmid AS id,
  'person' AS kind,
  TRIM(CONCAT_WS(' ', cd.firstname, cd.lastname)) AS name,
  CASE WHEN ae.deleted = 0 THEN a.accountid END AS company_id,
  CASE WHEN ae.deleted = 0 THEN a.accountname END AS company,
  u.user_name AS owner,
  GREATEST(e.modifiedtime, COALESCE(ae.modifiedtime, e.modifiedtime)) AS updated_at,
  e.deleted AS deleted,
  cd.phone AS phone,
  cd.mobile AS phone_mobile,
  csd.homephone AS phone_home,
  csd.otherphone AS phone_other
FROM vtiger_contactdetails cd
JOIN vtiger_crmentity e ON e.crmid = cd.contactid
LEFT JOIN vtiger_contactsubdetails csd ON csd.contactsubscriptionid = cd.contactid
LEFT JOIN vtiger_account a ON a.accountid = cd.accountid
LEFT JOIN vtiger_crmentity ae ON ae.crmid = a.accountid
LEFT JOIN vtiger_users u ON u.id = e.smownerid
UNION ALL
SELECT e.crmid, 'company', TRIM(a.accountname), NULL, NULL, u.user_name, e.modifiedtime, e.deleted,
  a.phone, a.otherphone, NULL, NULL
FROM vtiger_account a
JOIN vtiger_crmentity e ON e.crmid = a.accountid
LEFT JOIN vtiger_users u ON u.id = e.smownerid`;
