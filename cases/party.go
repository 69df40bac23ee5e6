package cases

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kntc/internal/enum"
	"kntc/internal/errs"
)

// checkParty cleans p's fields in place and records what is wrong with them
// (keys starting with at).
func checkParty(probs *errs.Problems, p *Party, at string) {
	if !p.Role.Valid() {
		probs.Add(at+"role", enum.Unknown("vai trò đương sự", "party role", p.Role, PartyRoles))
	}
	cleanParty(probs, p, at)
}

// secretRole reports whether a party of this role in a case of this kind is
// protected: the denouncer and whoever represents them (Luật Tố cáo 2018, Điều 47).
func secretRole(k Kind, r PartyRole) bool {
	return k == KindDenunciation && (r == RolePetitioner || r == RoleRepresentative)
}

func (s *Service) addParty(ctx context.Context, a Actor, c Case, p *Party) error {
	np, err := s.newParty(a, c, p)
	if err != nil {
		return err
	}
	return s.Store.CreateParty(ctx, p, np.Event, np.Record)
}

// newParty checks and seals p as a party of c (c.ID and c.Code may be unknown yet:
// a new case) and makes its timeline event and audit record.
func (s *Service) newParty(a Actor, c Case, p *Party) (NewParty, error) {
	var probs errs.Problems
	if checkParty(&probs, p, ""); len(probs) > 0 {
		return NewParty{}, probs.Err()
	}
	p.CaseID = c.ID
	if err := s.seal(c.Kind, p); err != nil {
		return NewParty{}, err
	}
	object := ""
	if c.Code != "" {
		object = "case:" + c.Code
	}
	return NewParty{
		Party:  p,
		Event:  Event{CaseID: c.ID, UserID: a.User.ID, Type: EventParty, Note: "thêm " + partyLabel(*p)},
		Record: a.record(ActionCreate, object, "party role="+string(p.Role)),
	}, nil
}

// seal seals p's identity when its role is protected in a case of kind k.
func (s *Service) seal(k Kind, p *Party) error {
	p.Secret = secretRole(k, p.Role)
	if !p.Secret {
		p.Sealed = ""
		return nil
	}
	if s.Sealer == nil {
		return errors.New("no sealing key configured: the identity of a denouncer cannot be stored")
	}
	sealed, err := s.Sealer.Seal(sealedParty{p.Person, p.Note}, "party")
	if err != nil {
		return err
	}
	p.Sealed, p.Person, p.Note = sealed, Person{}, ""
	return nil
}

// sealedParty is what a protected party's sealed value holds: who they are, and the
// note about them, which may say as much.
type sealedParty struct {
	Person Person `json:"person"`
	Note   string `json:"note,omitempty"`
}

// openParty opens a protected party's sealed value.
func (s *Service) openParty(p *Party) error {
	var sp sealedParty
	if err := s.Sealer.Open(p.Sealed, "party", &sp); err != nil {
		return err
	}
	p.Person, p.Note = sp.Person, sp.Note
	return nil
}

// partyLabel names a party in the timeline without naming a protected person.
func partyLabel(p Party) string {
	if p.Secret {
		return "người tố cáo (được giữ bí mật)"
	}
	return string(p.Role) + " " + p.Person.Name
}

// Parties returns the case's parties; protected identities are opened only for a
// granted actor, and each such read is recorded.
func (s *Service) Parties(ctx context.Context, a Actor, code string) ([]Party, error) {
	c, err := s.Case(ctx, a, code)
	if err != nil {
		return nil, err
	}
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	ok, err := s.granted(ctx, a, c)
	if err != nil {
		return nil, err
	}
	var opened []string
	for i := range ps {
		if !ps[i].Secret {
			continue
		}
		if !ok {
			ps[i].Person, ps[i].Note, ps[i].Redacted = Person{}, "", true
		} else {
			if err := s.openParty(&ps[i]); err != nil {
				return nil, fmt.Errorf("open party %d of %s: %w", ps[i].ID, code, err)
			}
			opened = append(opened, strconv.FormatInt(ps[i].ID, 10))
		}
		ps[i].Sealed = ""
	}
	if len(opened) > 0 {
		if err := s.Store.Audit(ctx, a.record(ActionSecretRead, "case:"+c.Code, "parties "+strings.Join(opened, ","))); err != nil {
			return nil, err // no record, no read
		}
	}
	return ps, nil
}

// AddParty adds a party to the case; a protected one makes every document of
// the unit that names them confidential.
func (s *Service) AddParty(ctx context.Context, a Actor, code string, p Party) (Party, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return Party{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Party{}, err
	}
	if err := s.checkPartyWrite(a, c, false, false); err != nil {
		return Party{}, err
	}
	who := p.Person
	if err := s.addParty(ctx, a, c, &p); err != nil {
		return Party{}, err
	}
	if p.Secret {
		if err := s.protectUnit(ctx, a, c.UnitID, []identity{{caseCode: c.Code, needles: needlesOf(who)}}); err != nil {
			return Party{}, err
		}
	}
	return redactedCopy(p), nil
}

func redactedCopy(p Party) Party {
	if p.Secret {
		p.Person, p.Note, p.Sealed, p.Redacted = Person{}, "", "", true
	}
	return p
}

// storedParty returns party id of case c, and whether the actor may change it
// (a protected one needs a grant).
func (s *Service) storedParty(ctx context.Context, a Actor, c Case, id int64) (Party, error) {
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return Party{}, err
	}
	for _, p := range ps {
		if p.ID != id {
			continue
		}
		granted := false
		if p.Secret {
			if granted, err = s.granted(ctx, a, c); err != nil {
				return Party{}, err
			}
		}
		if err := s.checkPartyWrite(a, c, p.Secret, granted); err != nil {
			return Party{}, err
		}
		return p, nil
	}
	return Party{}, notFound(fmt.Sprintf("party %d of %s", id, c.Code))
}

// UpdateParty replaces a party's fields. A protected identity is replaced whole
// (it is never shown to be edited in place), and only by a user granted the case.
func (s *Service) UpdateParty(ctx context.Context, a Actor, code string, p Party) (Party, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return Party{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Party{}, err
	}
	if _, err := s.storedParty(ctx, a, c, p.ID); err != nil {
		return Party{}, err
	}
	var probs errs.Problems
	if checkParty(&probs, &p, ""); len(probs) > 0 {
		return Party{}, probs.Err()
	}
	p.CaseID = c.ID
	who := p.Person
	if err := s.seal(c.Kind, &p); err != nil {
		return Party{}, err
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventParty, Note: "sửa " + partyLabel(p)}
	if err := s.Store.UpdateParty(ctx, &p, ev, a.record(ActionUpdate, "case:"+c.Code, "party "+strconv.FormatInt(p.ID, 10))); err != nil {
		return Party{}, err
	}
	if p.Secret {
		if err := s.protectUnit(ctx, a, c.UnitID, []identity{{caseCode: c.Code, needles: needlesOf(who)}}); err != nil {
			return Party{}, err
		}
	}
	return redactedCopy(p), nil
}

// DeleteParty removes a party; a protected one only by a user granted the case.
// Documents marked for naming them stay marked until a granted user clears them.
func (s *Service) DeleteParty(ctx context.Context, a Actor, code string, partyID int64) error {
	if err := a.require(PermCaseWrite); err != nil {
		return err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return err
	}
	if _, err := s.storedParty(ctx, a, c, partyID); err != nil {
		return err
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventParty, Note: "xóa đương sự " + strconv.FormatInt(partyID, 10)}
	return s.Store.DeleteParty(ctx, c.ID, partyID, ev, a.record(ActionUpdate, "case:"+c.Code, "delete party "+strconv.FormatInt(partyID, 10)))
}

// PartiesMasked returns the case's parties with every protected identity
// redacted, whoever asks, and whether the actor holds a grant to reveal them
// (with Parties, which records the read). A page shows the parties masked until
// its user asks to see them, so that merely opening a case reads no secret.
func (s *Service) PartiesMasked(ctx context.Context, a Actor, code string) ([]Party, bool, error) {
	c, err := s.Case(ctx, a, code)
	if err != nil {
		return nil, false, err
	}
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return nil, false, err
	}
	for i := range ps {
		if ps[i].Secret {
			ps[i].Person, ps[i].Note, ps[i].Redacted, ps[i].Sealed = Person{}, "", true, ""
		}
	}
	ok, err := s.granted(ctx, a, c)
	if err != nil {
		return nil, false, err
	}
	return ps, ok, nil
}
