package newsroom

import (
	"context"
	"slices"

	"communique"
)

// The edited front page. Editors arrange zones and pick their stories;
// each change is one store transaction, then the page cache is dropped
// here (the store's triggers tell the other nodes).

// FrontZones returns the zones in order, with their picks.
func (s *Service) FrontZones(ctx context.Context) ([]*communique.FrontZone, error) {
	if s.Front == nil {
		return nil, nil
	}
	return s.Front.FindFrontZones(ctx)
}

// AddFrontZone appends a zone. EFORBIDDEN, EINVALID.
func (s *Service) AddFrontZone(ctx context.Context, by Actor, z *communique.FrontZone) error {
	if err := s.mayArrange(by); err != nil {
		return err
	}
	if err := z.Validate(); err != nil {
		return err
	}
	zones, err := s.Front.FindFrontZones(ctx)
	if err != nil {
		return err
	}
	if len(zones) >= communique.MaxZones {
		return communique.Errorf(communique.EINVALID, "The front page has at most %d zones.", communique.MaxZones)
	}
	return s.frontChanged(s.Front.CreateFrontZone(ctx, z))
}

// SetFrontZone changes a zone's title, section, size and fill, keeping
// its kind and picks. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) SetFrontZone(ctx context.Context, by Actor, upd *communique.FrontZone) error {
	return s.editZone(ctx, by, upd.ID, func(z *communique.FrontZone) error {
		z.Title, z.SectionID, z.Size, z.Fill = upd.Title, upd.SectionID, upd.Size, upd.Fill
		return nil
	})
}

// RemoveFrontZone deletes a zone. EFORBIDDEN, ENOTFOUND.
func (s *Service) RemoveFrontZone(ctx context.Context, by Actor, id int64) error {
	if err := s.mayArrange(by); err != nil {
		return err
	}
	return s.frontChanged(s.Front.DeleteFrontZone(ctx, id))
}

// MoveFrontZone moves a zone up (delta < 0) or down the page.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) MoveFrontZone(ctx context.Context, by Actor, id int64, delta int) error {
	if err := s.mayArrange(by); err != nil {
		return err
	}
	zones, err := s.Front.FindFrontZones(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, len(zones))
	for i, z := range zones {
		ids[i] = z.ID
	}
	if !move(ids, id, delta) {
		return communique.Errorf(communique.ENOTFOUND, "Front zone not found.")
	}
	return s.frontChanged(s.Front.SetFrontZoneOrder(ctx, ids))
}

// PickForZone adds a published or scheduled post at the end of a zone's
// picks (or first, for a lead). EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) PickForZone(ctx context.Context, by Actor, zoneID, articleID int64) error {
	a, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return err
	}
	if a.Type != communique.TypePost || (a.Status != communique.StatusPublished && a.Status != communique.StatusScheduled) {
		return communique.Errorf(communique.EINVALID, "Only published or scheduled articles go on the front page.")
	}
	return s.editZone(ctx, by, zoneID, func(z *communique.FrontZone) error {
		if slices.Contains(z.ArticleIDs, articleID) {
			return nil
		}
		if z.Kind == communique.ZoneLead {
			z.ArticleIDs = append([]int64{articleID}, z.ArticleIDs...)
		} else {
			z.ArticleIDs = append(z.ArticleIDs, articleID)
		}
		if len(z.ArticleIDs) > communique.MaxZoneSize {
			z.ArticleIDs = z.ArticleIDs[:communique.MaxZoneSize]
		}
		return nil
	})
}

// MovePick moves a picked story up (delta < 0) or down its zone.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) MovePick(ctx context.Context, by Actor, zoneID, articleID int64, delta int) error {
	return s.editZone(ctx, by, zoneID, func(z *communique.FrontZone) error {
		if !move(z.ArticleIDs, articleID, delta) {
			return communique.Errorf(communique.ENOTFOUND, "That story is not in this zone.")
		}
		return nil
	})
}

// Unpick takes a story out of a zone. EFORBIDDEN, ENOTFOUND.
func (s *Service) Unpick(ctx context.Context, by Actor, zoneID, articleID int64) error {
	return s.editZone(ctx, by, zoneID, func(z *communique.FrontZone) error {
		i := slices.Index(z.ArticleIDs, articleID)
		if i < 0 {
			return communique.Errorf(communique.ENOTFOUND, "That story is not in this zone.")
		}
		z.ArticleIDs = slices.Delete(z.ArticleIDs, i, i+1)
		return nil
	})
}

// SetBreaking switches the breaking-news banner on, changes it or, with
// the zero value, switches it off. EFORBIDDEN, EINVALID.
func (s *Service) SetBreaking(ctx context.Context, by Actor, b communique.BreakingNews) error {
	if err := s.mayArrange(by); err != nil {
		return err
	}
	return s.frontChanged(s.Front.SetBreakingNews(ctx, b))
}

// editZone reads a zone, lets edit change it, validates and stores it.
func (s *Service) editZone(ctx context.Context, by Actor, id int64, edit func(*communique.FrontZone) error) error {
	if err := s.mayArrange(by); err != nil {
		return err
	}
	zones, err := s.Front.FindFrontZones(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(zones, func(z *communique.FrontZone) bool { return z.ID == id })
	if i < 0 {
		return communique.Errorf(communique.ENOTFOUND, "Front zone not found.")
	}
	z := zones[i]
	if err := edit(z); err != nil {
		return err
	}
	if err := z.Validate(); err != nil {
		return err
	}
	return s.frontChanged(s.Front.UpdateFrontZone(ctx, z))
}

func (s *Service) mayArrange(by Actor) error {
	if s.Front == nil {
		return communique.Errorf(communique.EINTERNAL, "this store keeps no front page")
	}
	if !by.can(communique.ActionArrangeFront, nil) {
		return forbidden("arrange the front page")
	}
	return nil
}

// frontChanged drops this node's pages after a change that committed.
func (s *Service) frontChanged(err error) error {
	if err == nil && s.Invalidator != nil {
		s.Invalidator.StoreChanged()
	}
	return err
}

// move shifts id by delta places in ids, stopping at the ends; false
// when id is not there.
func move(ids []int64, id int64, delta int) bool {
	i := slices.Index(ids, id)
	if i < 0 {
		return false
	}
	for j := min(max(i+delta, 0), len(ids)-1); i != j; {
		step := 1
		if j < i {
			step = -1
		}
		ids[i], ids[i+step] = ids[i+step], ids[i]
		i += step
	}
	return true
}
