package main

// The last row of the speed issue's table: the front page and an archive,
// served as `communique serve` serves them (page cache on, the store
// watched every half second), while 20 editors each save a story every
// second. Every save drops the pages that show it, so readers meet the
// page being rendered afresh as often as the newsroom writes, and the
// writes queue with the reads on SQLite's one writer.

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"communique"
	"communique/newsroom"
)

// editors is how many people save at once, each once a second, and
// editorReads how many requests a second each page gets meanwhile: a
// busy news site's front page, not a load that saturates the machine.
const (
	editors     = 20
	editorReads = 500
)

// editorsSaving measures readers of the front page and of the section's
// archive at editorReads requests per second each, while the editors save
// the newest stories (the ones those pages show).
func (rs *readSite) editorsSaving(wrk string, c config, cachedBase string) ([]Result, Target, error) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go rs.cached.WatchStore(ctx, 500*time.Millisecond)
	newest, _, err := rs.db.FindArticles(ctx, communique.ArticleFilter{Status: []communique.Status{communique.StatusPublished}, Limit: editors, SkipTotal: true, Bare: true})
	if err != nil {
		return nil, Target{}, err
	}
	work, err := os.MkdirTemp("", "communique-editors-")
	if err != nil {
		return nil, Target{}, err
	}
	defer os.RemoveAll(work)
	svc := newsroom.New(rs.db)
	var saves, refused atomic.Int64
	var wg sync.WaitGroup
	for i, a := range newest {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Editors start spread over the second, as people do.
			time.Sleep(time.Duration(i) * time.Second / editors)
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for n := 1; ; n++ {
				excerpt := fmt.Sprintf("Update %d of the story as it develops.", n)
				if _, err := svc.Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Excerpt: &excerpt}); err != nil && ctx.Err() == nil {
					refused.Add(1)
				} else if err == nil {
					saves.Add(1)
				}
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
		}()
	}
	var rows []Result
	worst := 0.0
	for _, p := range []struct{ name, path string }{{"front page", "/"}, {"section archive", "/category/world/"}} {
		res, err := runWrkPaced(wrk, cachedBase+p.path, c, editorReads, work)
		if err != nil {
			stop()
			wg.Wait()
			return nil, Target{}, fmt.Errorf("%s while editors save: %w", p.name, err)
		}
		res.Name = fmt.Sprintf("%s at %d req/s, %d editors saving", p.name, editorReads, editors)
		rows = append(rows, res)
		worst = max(worst, res.P99ms)
		log.Printf("%-52s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", res.Name, res.RPS, res.P50ms, res.P99ms, res.Errors)
	}
	stop()
	wg.Wait()
	measured := fmt.Sprintf("p99 %.1f ms (front page) and %.1f ms (archive); %d saves, %d refused", rows[0].P99ms, rows[1].P99ms, saves.Load(), refused.Load())
	return rows, Target{"front page and archives while 20 editors save every second: p99 ≤ 50 ms", measured, worst <= 50 && refused.Load() == 0 && saves.Load() > 0}, nil
}
