package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
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

// TestRetain: on a bucket with object locking, Retain puts a retention on the
// object's version: deleting that version fails, even for the server's root user,
// and an overwrite only adds a newer version, leaving the retained bytes as they
// were (kntc verify then reports the current copy changed). Without object
// locking Retain reports that it enforces nothing.
func TestRetain(t *testing.T) {
	ctx := t.Context()
	cfg := testConfig(t)
	cfg.ObjectLock = "governance"
	s := mustNew(t, cfg)
	removeLockedBucket(t, cfg.Bucket)
	key := "derived/ab/abab/v3/archive.pdf"
	decision := []byte("%PDF-1.7 quyết định giải quyết khiếu nại")
	if _, err := s.Put(ctx, key, bytes.NewReader(decision), int64(len(decision)), ""); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	enforced, err := s.Retain(ctx, key, until)
	if err != nil || !enforced {
		t.Fatalf("Retain: %v, enforced %v", err, enforced)
	}
	// Asking again for less keeps the longer retention.
	if enforced, err := s.Retain(ctx, key, until.Add(-time.Minute)); err != nil || !enforced {
		t.Fatalf("Retain again: %v %v", err, enforced)
	}
	admin := adminClient(t)
	info, err := admin.StatObject(ctx, cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, retain, err := admin.GetObjectRetention(ctx, cfg.Bucket, key, info.VersionID); err != nil || retain == nil || !retain.Equal(until) {
		t.Fatalf("retention until %v, %v; want %v", retain, err, until)
	}
	if err := admin.RemoveObject(ctx, cfg.Bucket, key, minio.RemoveObjectOptions{VersionID: info.VersionID}); err == nil {
		t.Fatal("a retained decision was deleted")
	}
	if _, err := admin.PutObject(ctx, cfg.Bucket, key, bytes.NewReader([]byte("forged")), 6, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("overwrite (a new version): %v", err)
	}
	obj, err := admin.GetObject(ctx, cfg.Bucket, key, minio.GetObjectOptions{VersionID: info.VersionID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || !bytes.Equal(got, decision) {
		t.Fatalf("the retained version after an overwrite: %q %v", got, err)
	}
	if _, err := s.Retain(ctx, "derived/none", until); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("Retain of a missing key: %v", err)
	}

	plain := mustNew(t, testConfig(t))
	if _, err := plain.Put(ctx, key, bytes.NewReader(decision), int64(len(decision)), ""); err != nil {
		t.Fatal(err)
	}
	if enforced, err := plain.Retain(ctx, key, until); err != nil || enforced {
		t.Errorf("Retain without object locking: %v, enforced %v", err, enforced)
	}
}
