-- Each tenant's default time zone (issue 16), set by setTenantTimeZone: a
-- tenant-scoped answer given no timeZone argument is in this zone. The
-- gateway's own table beside the platform's `tenants`, never a column of it,
-- and no foreign key: `tenants` belongs to the platform, which deletes its
-- rows as it sees fit. No row means UTC. updated_by is the id of the viewer
-- who set it (the token's subject; no foreign key either: platform staff need
-- not have a users row).
CREATE TABLE IF NOT EXISTS "tenant_time_zones" (
    "tenant_id" UUID NOT NULL,
    "time_zone" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_by" UUID,
    CONSTRAINT "tenant_time_zones_pkey" PRIMARY KEY ("tenant_id")
);
