package storagetest

import (
	"sync"
	"testing"
	"time"

	"kntc/storage/sqldb"
)

// testLeases: a lease is one node's at a time; its holder renews it, another node
// takes it only once it ran out or was released, and of many nodes asking at once
// exactly one gets it.
func testLeases(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	const name = "hotfolder:/srv/scan"
	tok, ok, err := db.AcquireLease(ctx, name, "node-a", time.Minute)
	must(t, "acquire a free lease", err)
	if !ok || tok != 1 {
		t.Fatalf("free lease: ok %v token %d, want true 1", ok, tok)
	}
	if _, ok, err := db.AcquireLease(ctx, name, "node-b", time.Minute); err != nil || ok {
		t.Fatalf("node-b took node-a's running lease: %v %v", ok, err)
	}
	if again, ok, err := db.AcquireLease(ctx, name, "node-a", time.Minute); err != nil || !ok || again != tok {
		t.Fatalf("node-a asking again: ok %v token %d %v, want its token %d", ok, again, err, tok)
	}
	if ok, err := db.RenewLease(ctx, name, "node-a", tok, time.Minute); err != nil || !ok {
		t.Fatalf("renew: %v %v", ok, err)
	}
	if ok, err := db.RenewLease(ctx, name, "node-b", tok, time.Minute); err != nil || ok {
		t.Fatalf("node-b renewed node-a's lease: %v %v", ok, err)
	}
	// Released: node-b takes it at once, with the next token, and node-a's
	// renewal (a node that did not notice) is refused.
	must(t, "release", db.ReleaseLease(ctx, name, "node-a", tok))
	tokB, ok, err := db.AcquireLease(ctx, name, "node-b", time.Minute)
	if err != nil || !ok || tokB != tok+1 {
		t.Fatalf("node-b after the release: ok %v token %d %v, want token %d", ok, tokB, err, tok+1)
	}
	if ok, err := db.RenewLease(ctx, name, "node-a", tok, time.Minute); err != nil || ok {
		t.Fatalf("node-a renewed a lease it lost: %v %v", ok, err)
	}
	must(t, "release by a former holder does nothing", db.ReleaseLease(ctx, name, "node-a", tok))
	if ls, err := db.Leases(ctx); err != nil || len(ls) != 1 || ls[0].Holder != "node-b" || ls[0].Left <= 0 {
		t.Fatalf("leases after node-a's late release: %+v %v", ls, err)
	}
	// Ran out: a lease of 1 ms is over by the time it is asked for again
	// (polled, not slept: the database's clock decides).
	_, ok, err = db.AcquireLease(ctx, "backup", "node-b", time.Millisecond)
	if err != nil || !ok {
		t.Fatalf("short lease: %v %v", ok, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ls, err := db.Leases(ctx)
		must(t, "list leases", err)
		if len(ls) == 2 && ls[0].Name == "backup" && ls[0].Left <= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a lease of 1 ms never ran out: %+v", ls)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ok, err := db.RenewLease(ctx, "backup", "node-b", 1, time.Minute); err != nil || ok {
		t.Fatalf("renewed a lease that ran out: %v %v", ok, err)
	}
	if tokA, ok, err := db.AcquireLease(ctx, "backup", "node-a", time.Minute); err != nil || !ok || tokA != 2 {
		t.Fatalf("node-a on a lease that ran out: ok %v token %d %v, want token 2", ok, tokA, err)
	}

	// Many nodes at once on a free lease: exactly one gets it.
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for i := range 8 {
		wg.Go(func() {
			_, ok, err := db.AcquireLease(ctx, "hotfolder:/srv/other", "node-"+string(rune('c'+i)), time.Minute)
			if err != nil {
				t.Errorf("concurrent acquire: %v", err)
			}
			if ok {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Fatalf("%d nodes hold one lease", winners)
	}
}
