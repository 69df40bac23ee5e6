package cases

import (
	"context"
	"strconv"
)

// PetitionDuplicate is RegisterPetition's duplicate check without registering:
// the earlier letter of the same sender about the same matter that registering p
// would link it to, as the actor would be told of it then (0: none, or one the
// actor may not learn of). A form warns with it before the letter is saved. p's
// problems are RegisterPetition's own.
func (s *Service) PetitionDuplicate(ctx context.Context, a Actor, p Petition) (int64, error) {
	if err := a.require(PermPetitionWrite); err != nil {
		return 0, err
	}
	if p.UnitID == 0 {
		p.UnitID = a.User.UnitID
	}
	if p.ReceivedOn.IsZero() {
		p.ReceivedOn = s.today()
	}
	p.ID, p.CaseID, p.DuplicateOf, p.Secret = 0, 0, 0, false
	if err := petitionProblems(&p, s.today()); err != nil {
		return 0, err
	}
	if !a.seesUnit(p.UnitID) {
		return 0, notFound("unit " + strconv.FormatInt(p.UnitID, 10))
	}
	if s.Sealer == nil {
		return 0, nil
	}
	p.IDKey, p.NameKey = s.Sealer.Blind(p.Petitioner.IDNumber), s.Sealer.Blind(p.Petitioner.Name)
	if p.IDKey == "" && p.NameKey == "" {
		return 0, nil
	}
	earlier, _, err := s.Store.Petitions(ctx, PetitionFilter{UnitIDs: narrow(a, nil), IDKey: p.IDKey, NameKey: p.NameKey, Limit: 1000})
	if err != nil {
		return 0, err
	}
	if p.DuplicateOf = FindDuplicate(p, earlier); p.DuplicateOf == 0 {
		return 0, nil
	}
	if p.DuplicateOf, err = s.shownDuplicate(ctx, a, p); err != nil || p.DuplicateOf == 0 {
		return 0, err
	}
	if o, err := s.Store.Petition(ctx, p.DuplicateOf); err == nil && o.Secret {
		// A granted user learns that a protected denouncer writes again: recorded,
		// as when the letter is registered.
		if err := s.Store.Audit(ctx, a.record(ActionSecretRead, "petition:"+strconv.FormatInt(p.DuplicateOf, 10), "duplicate check")); err != nil {
			return 0, err
		}
	}
	return p.DuplicateOf, nil
}
