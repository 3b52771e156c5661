package io.greenhouse.quota;

/** The XFS project-quota store against the quota contract, where the kernel has XFS quotas. */
class ProjectQuotaStoreIT extends DiskQuotaContract {

    @Override
    protected String filesystem() {
        return "xfs";
    }
}
