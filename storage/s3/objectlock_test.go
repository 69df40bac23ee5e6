package s3_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"kntc/internal/errs"
	"kntc/storage/s3"
)

// removeLockedBucket removes a bucket with object locking, whose objects are
// under governance retention (a forced removal is refused for it), before
// testConfig's clean-up looks for it.
func removeLockedBucket(t *testing.T, bucket string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin := adminClient(t)
		for obj := range admin.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
			if obj.Err != nil {
				return
			}
			if err := admin.RemoveObject(ctx, bucket, obj.Key, minio.RemoveObjectOptions{VersionID: obj.VersionID, GovernanceBypass: true}); err != nil {
				t.Errorf("remove %s version %s: %v", obj.Key, obj.VersionID, err)
			}
		}
		if err := admin.RemoveBucket(ctx, bucket); err != nil {
			t.Errorf("remove bucket %s: %v", bucket, err)
		}
	})
}

// TestObjectLock: with object lock asked for, New makes the bucket with object
// locking and PutLocked writes under retention, which refuses deletion; "auto"
// finds the bucket's locking; a bucket without it locks nothing under "auto" and
// is refused when locking is asked for.
func TestObjectLock(t *testing.T) {
	ctx := t.Context()
	cfg := testConfig(t)
	cfg.ObjectLock = "governance"
	s := mustNew(t, cfg)
	removeLockedBucket(t, cfg.Bucket)
	if !s.ObjectLock() {
		t.Fatal("governance: ObjectLock() = false")
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	key := "audit/anchors/00000000000000000001.json"
	if err := s.PutLocked(ctx, key, []byte(`{"seq":1}`), until); err != nil {
		t.Fatalf("PutLocked: %v", err)
	}
	admin := adminClient(t)
	info, err := admin.StatObject(ctx, cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mode, retain, err := admin.GetObjectRetention(ctx, cfg.Bucket, key, info.VersionID)
	if err != nil || mode == nil || *mode != minio.Governance || retain == nil || !retain.Equal(until) {
		t.Fatalf("retention: %v until %v, %v; want GOVERNANCE until %v", mode, retain, err, until)
	}
	if err := admin.RemoveObject(ctx, cfg.Bucket, key, minio.RemoveObjectOptions{VersionID: info.VersionID}); err == nil {
		t.Fatal("a locked anchor was deleted")
	}

	auto := cfg
	auto.ObjectLock = "auto"
	if !mustNew(t, auto).ObjectLock() {
		t.Error("auto on a bucket with object locking: ObjectLock() = false")
	}
	off := cfg
	off.ObjectLock = "off"
	if mustNew(t, off).ObjectLock() {
		t.Error("off: ObjectLock() = true")
	}

	plain := testConfig(t)
	if mustNew(t, plain).ObjectLock() {
		t.Error("a bucket without object locking: ObjectLock() = true")
	}
	plain.ObjectLock = "compliance"
	if _, err := s3.New(ctx, plain); !errors.Is(err, errs.ErrInvalid) {
		t.Errorf("compliance asked on a bucket without object locking: %v", err)
	}
}
