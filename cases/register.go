package cases

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"kntc/ingest"
	"kntc/internal/enum"
	"kntc/internal/errs"
)

// RegisterPetition enters a letter in the petition register. A denunciation's
// sender is sealed at once; a letter from the same petitioner about the same
// matter as an earlier one is marked as its duplicate.
func (s *Service) RegisterPetition(ctx context.Context, a Actor, p Petition) (Petition, error) {
	if err := a.require(PermPetitionWrite); err != nil {
		return Petition{}, err
	}
	if p.UnitID == 0 {
		p.UnitID = a.User.UnitID
	}
	if p.ReceivedOn.IsZero() {
		p.ReceivedOn = s.today()
	}
	p.ID, p.CaseID, p.DuplicateOf, p.CreatedBy = 0, 0, 0, a.User.ID
	p.Secret, p.Sealed, p.Redacted = false, "", false // sealed below, from the kind
	if err := petitionProblems(&p, s.today()); err != nil {
		return Petition{}, err
	}
	p.HandledOn = time.Time{}
	markHandled(&p, s.today())
	if !a.seesUnit(p.UnitID) {
		return Petition{}, notFound(fmt.Sprintf("unit %d", p.UnitID))
	}
	if p.DocumentID != "" {
		if _, err := s.Document(ctx, a, p.DocumentID); err != nil {
			return Petition{}, err
		}
	}
	if s.Sealer != nil {
		p.IDKey, p.NameKey = s.Sealer.Blind(p.Petitioner.IDNumber), s.Sealer.Blind(p.Petitioner.Name)
	}
	if err := s.sealPetitioner(&p); err != nil {
		return Petition{}, err
	}
	if p.IDKey != "" || p.NameKey != "" {
		// Letters of the same sender within the actor's units; the link is kept
		// whatever it is, and shown only as shownDuplicate allows.
		earlier, _, err := s.Store.Petitions(ctx, PetitionFilter{UnitIDs: narrow(a, nil), IDKey: p.IDKey, NameKey: p.NameKey, Limit: 1000})
		if err != nil {
			return Petition{}, err
		}
		p.DuplicateOf = FindDuplicate(p, earlier)
	}
	if err := s.Store.CreatePetition(ctx, &p, a.record(ActionCreate, "", "kind="+string(p.Kind))); err != nil {
		return Petition{}, fmt.Errorf("register petition: %w", err)
	}
	stored := p.DuplicateOf
	// The one who registers a letter knows its sender (they typed them): they are
	// told of an earlier letter they may read, unless that one is sealed and they
	// are not granted it (that would say that this sender is a denouncer). Others
	// reading the register later see what shownDuplicate allows.
	asRegistered := p
	asRegistered.Secret = false
	var err error
	if p.DuplicateOf, err = s.shownDuplicate(ctx, a, asRegistered); err != nil {
		return Petition{}, err
	}
	if p.DuplicateOf != 0 {
		if o, err := s.Store.Petition(ctx, p.DuplicateOf); err == nil && (o.Secret || p.Secret) {
			// A granted user learnt that a protected denouncer wrote again: recorded.
			if err := s.Store.Audit(ctx, a.record(ActionSecretRead, "petition:"+strconv.FormatInt(stored, 10),
				"duplicate petition:"+strconv.FormatInt(p.ID, 10))); err != nil {
				return Petition{}, err
			}
		}
	}
	if err := s.petitionSealed(ctx, a, p); err != nil {
		return Petition{}, err
	}
	return redactPetition(p), nil
}

// grantedOn reports whether the actor holds a grant on case id (0: no case, no
// grant).
func (s *Service) grantedOn(ctx context.Context, a Actor, caseID int64) (bool, error) {
	if caseID == 0 {
		return false, nil
	}
	c, err := s.Store.Case(ctx, caseID)
	if err != nil {
		return false, err
	}
	return s.granted(ctx, a, c)
}

// shownDuplicate is p's DuplicateOf as the actor may see it: a link between a
// sealed petition and another says that the other's sender is a denouncer (or
// the reverse), so it is shown only to a user granted the sealed one's case.
// When the first letter is one the actor may not be told of, they are told what
// they would be told were it not there — the first of the letters they may be
// told of — never nothing: a letter plainly repeating a complaint they can read
// and shown as no duplicate would say that a hidden, sealed letter of the same
// sender came first, i.e. that its sender is a denouncer.
func (s *Service) shownDuplicate(ctx context.Context, a Actor, p Petition) (int64, error) {
	if p.DuplicateOf == 0 {
		return 0, nil
	}
	if p.Secret {
		if ok, err := s.grantedOn(ctx, a, p.CaseID); err != nil || !ok {
			return 0, err
		}
	}
	o, err := s.Store.Petition(ctx, p.DuplicateOf)
	if err != nil {
		return 0, err
	}
	if ok, err := s.tellable(ctx, a, o); err != nil || ok {
		return p.DuplicateOf, err
	}
	earlier, _, err := s.Store.Petitions(ctx, PetitionFilter{UnitIDs: narrow(a, nil), IDKey: p.IDKey, NameKey: p.NameKey, Limit: 1000})
	if err != nil {
		return 0, err
	}
	var told []Petition
	for _, e := range earlier {
		if e.ID == p.ID || p.ID != 0 && e.ID > p.ID {
			continue
		}
		ok, err := s.tellable(ctx, a, e)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		if e.DuplicateOf != 0 {
			// Its own first letter, as the actor would be told of it.
			first, err := s.Store.Petition(ctx, e.DuplicateOf)
			if err != nil {
				return 0, err
			}
			ok, err := s.tellable(ctx, a, first)
			if err != nil {
				return 0, err
			}
			if !ok {
				e.DuplicateOf = 0
			}
		}
		told = append(told, e)
	}
	return FindDuplicate(p, told), nil
}

// tellable reports whether the actor may be told of petition o as another's
// first letter: one of their units, and not sealed unless they are granted it.
func (s *Service) tellable(ctx context.Context, a Actor, o Petition) (bool, error) {
	if !a.seesUnit(o.UnitID) {
		return false, nil
	}
	if o.Secret {
		return s.grantedOn(ctx, a, o.CaseID)
	}
	return true, nil
}

// petitionSealed keeps confidentiality true after a sealed petition is written:
// its scanned letter is confidential, and every document of the unit naming the
// sender is checked.
func (s *Service) petitionSealed(ctx context.Context, a Actor, p Petition) error {
	if !p.Secret {
		return nil
	}
	who, err := s.petitioner(p)
	if err != nil {
		return err
	}
	code := ""
	if p.CaseID != 0 {
		c, err := s.Store.Case(ctx, p.CaseID)
		if err != nil {
			return err
		}
		code = c.Code
	}
	if p.DocumentID != "" {
		d, err := s.Docs.Document(ctx, p.DocumentID)
		if err != nil {
			return err
		}
		other := code != "" && d.CaseCode != code
		if !d.Confidential || other && d.SecretCase != code {
			d.Confidential, d.Cleared = true, false
			if other {
				d.SecretCase = code
			}
			if err := s.Store.LinkDocument(ctx, &d, Event{}, a.record(ActionUpdate, "document:"+d.ID, "confidential=true (a sealed petition's letter)")); err != nil {
				return err
			}
		}
	}
	return s.protectUnit(ctx, a, p.UnitID, []identity{{caseCode: code, needles: needlesOf(who)}})
}

// petitionProblems cleans p's text in place and reports everything wrong with it.
func petitionProblems(p *Petition, today time.Time) error {
	var probs errs.Problems
	cleanPetition(&probs, p)
	if !p.Source.Valid() {
		probs.Add("source", enum.Unknown("nguồn đơn", "source", p.Source, Sources))
	}
	if p.Kind != "" && !p.Kind.Valid() {
		probs.Add("kind", enum.Unknown("phân loại", "kind", p.Kind, Kinds))
	}
	switch p.Admissibility {
	case "", Admissible, Inadmissible:
	default:
		probs.Add("admissibility", enum.Unknown("điều kiện xử lý", "admissibility", p.Admissibility, Admissibilities))
	}
	switch p.Competence {
	case "", Competent, Incompetent:
	default:
		probs.Add("competence", enum.Unknown("thẩm quyền", "competence", p.Competence, Competences))
	}
	switch p.Handling {
	case "", HandlingAccept, HandlingGuide, HandlingTransfer, HandlingFile:
	default:
		probs.Add("handling", enum.Unknown("hướng xử lý", "handling", p.Handling, Handlings))
	}
	if p.Handling == HandlingTransfer && p.TransferredTo == "" {
		probs.Add("transferred_to", "chuyển đơn cần ghi cơ quan nhận (a transfer needs the receiving body)")
	}
	checkDate(&probs, "received_on", "ngày nhận đơn", "the receipt date", p.ReceivedOn, today, false)
	p.ReceivedOn = Date(p.ReceivedOn)
	return probs.Err()
}

// markHandled dates the handling decision: the first day Handling was set, kept
// when it is corrected later, cleared when it is taken back.
func markHandled(p *Petition, today time.Time) {
	switch {
	case p.Handling == "":
		p.HandledOn = time.Time{}
	case p.HandledOn.IsZero():
		p.HandledOn = Date(today)
	}
}

// sealPetitioner seals a denunciation's sender; a sealed one stays sealed. As
// it is sealed, the sender's identity is masked out of the letter's subject and
// content too (a letter sent online is typed by its sender, who often starts
// with who they are): everyone reading the register reads those. Only then,
// when whoever writes knows the sender (typed them, or reads them before the
// letter is sealed): masking a later edit of a sealed letter would tell its
// editor whether a name they typed is the sender's.
func (s *Service) sealPetitioner(p *Petition) error {
	if p.Secret || p.Kind != KindDenunciation {
		return nil
	}
	if s.Sealer == nil {
		return fmt.Errorf("no sealing key configured: the identity of a denouncer cannot be stored")
	}
	sealed, err := s.Sealer.Seal(p.Petitioner, "petition")
	if err != nil {
		return err
	}
	p.Subject, p.Content = maskIdentities(p.Subject, p.Petitioner), maskIdentities(p.Content, p.Petitioner)
	p.Secret, p.Sealed, p.Petitioner = true, sealed, Person{}
	return nil
}

func redactPetition(p Petition) Petition {
	if p.Secret {
		p.Petitioner, p.Sealed, p.Redacted = Person{}, "", true
	}
	return p
}

// Petition returns one petition; a sealed sender is opened only for an actor
// granted on the case the petition opened, and that read is recorded.
func (s *Service) Petition(ctx context.Context, a Actor, id int64) (Petition, error) {
	p, err := loadOrigin(ctx, a, PermPetitionRead, s.Store.Petition, id)
	if err != nil {
		return Petition{}, err
	}
	if p.DuplicateOf, err = s.shownDuplicate(ctx, a, p); err != nil {
		return Petition{}, err
	}
	if !p.Secret {
		return p, nil
	}
	ok, err := s.openGranted(ctx, a, p.CaseID, p.Sealed, "petition", "petition:"+strconv.FormatInt(id, 10), &p.Petitioner)
	if err != nil || !ok {
		return redactPetition(p), err
	}
	p.Sealed = ""
	return p, nil
}

// openGranted opens a sealed value into v when the actor holds a grant on the case
// caseID (0: none), recording the read under object first; ok is false otherwise.
func (s *Service) openGranted(ctx context.Context, a Actor, caseID int64, sealed, binding, object string, v any) (bool, error) {
	if caseID == 0 {
		return false, nil
	}
	c, err := s.Store.Case(ctx, caseID)
	if err != nil {
		return false, err
	}
	ok, err := s.granted(ctx, a, c)
	if err != nil || !ok {
		return false, err
	}
	if err := s.Sealer.Open(sealed, binding, v); err != nil {
		return false, fmt.Errorf("open %s: %w", object, err)
	}
	// No record, no read.
	if err := s.Store.Audit(ctx, a.record(ActionSecretRead, object, "case:"+c.Code)); err != nil {
		return false, err
	}
	return true, nil
}

// Petitions lists the register in the actor's scope, senders of denunciations
// redacted.
func (s *Service) Petitions(ctx context.Context, a Actor, f PetitionFilter) ([]Petition, int, error) {
	if err := a.require(PermPetitionRead); err != nil {
		return nil, 0, err
	}
	f.UnitIDs = narrow(a, f.UnitIDs)
	list, total, err := s.Store.Petitions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	for i := range list {
		if list[i].DuplicateOf, err = s.shownDuplicate(ctx, a, list[i]); err != nil {
			return nil, 0, err
		}
		list[i] = redactPetition(list[i])
	}
	return list, total, nil
}

// PetitionPatch classifies and decides a petition; nil fields stay.
type PetitionPatch struct {
	Kind          *Kind
	Subject       *string
	Content       *string
	Admissibility *Admissibility
	Competence    *Competence
	Handling      *Handling
	TransferredTo *string
	DocumentID    *string
}

// UpdatePetition applies patch. Classifying a letter as a denunciation seals its
// sender from then on.
func (s *Service) UpdatePetition(ctx context.Context, a Actor, id int64, patch PetitionPatch) (Petition, error) {
	p, err := loadOrigin(ctx, a, PermPetitionWrite, s.Store.Petition, id)
	if err != nil {
		return Petition{}, err
	}
	if patch.Kind != nil {
		p.Kind = *patch.Kind
	}
	if patch.Subject != nil {
		p.Subject = clean(*patch.Subject)
	}
	if patch.Content != nil {
		p.Content = clean(*patch.Content)
	}
	if patch.Admissibility != nil {
		p.Admissibility = *patch.Admissibility
	}
	if patch.Competence != nil {
		p.Competence = *patch.Competence
	}
	if patch.Handling != nil {
		p.Handling = *patch.Handling
	}
	if patch.TransferredTo != nil {
		p.TransferredTo = clean(*patch.TransferredTo)
	}
	if patch.DocumentID != nil {
		if *patch.DocumentID != "" {
			if _, err := s.Document(ctx, a, *patch.DocumentID); err != nil {
				return Petition{}, err
			}
		}
		p.DocumentID = *patch.DocumentID
	}
	if err := petitionProblems(&p, s.today()); err != nil {
		return Petition{}, err
	}
	markHandled(&p, s.today())
	if err := s.sealPetitioner(&p); err != nil {
		return Petition{}, err
	}
	if err := s.Store.UpdatePetition(ctx, &p, a.record(ActionUpdate, "petition:"+strconv.FormatInt(id, 10), "")); err != nil {
		return Petition{}, err
	}
	if err := s.petitionSealed(ctx, a, p); err != nil {
		return Petition{}, err
	}
	if p.DuplicateOf, err = s.shownDuplicate(ctx, a, p); err != nil {
		return Petition{}, err
	}
	return redactPetition(p), nil
}

// OpenCaseFromPetition opens the case a petition asks for (thụ lý route): the
// sender becomes the petitioner party, sealed again for the case when protected.
func (s *Service) OpenCaseFromPetition(ctx context.Context, a Actor, id int64, in NewCase) (Case, string, Petition, error) {
	p, err := caseOrigin(ctx, a, s.Store.Petition, id, "đơn đã có hồ sơ (the petition already has a case)")
	if err != nil {
		return Case{}, "", Petition{}, err
	}
	who, err := s.petitioner(p)
	if err != nil {
		return Case{}, "", Petition{}, err
	}
	in = in.orDefaults(NewCase{Kind: p.Kind, Source: p.Source, ReceivedOn: p.ReceivedOn, Subject: p.Subject, Summary: p.Content, UnitID: p.UnitID})
	if err := sealedOpensDenunciation(p.Secret, in.Kind); err != nil {
		return Case{}, "", Petition{}, err
	}
	if who.Name != "" {
		in.Parties = append([]Party{{Role: RolePetitioner, Person: who}}, in.Parties...)
	}
	c, pin, err := s.CreateCase(ctx, a, in)
	if err != nil {
		return Case{}, "", Petition{}, err
	}
	p.CaseID, p.Handling = c.ID, HandlingAccept
	if c.Kind == KindDenunciation && !p.Secret {
		// Its sender is the case's denouncer now: sealed in the register too,
		// or the letter linked to the case would name them to every reader.
		p.Kind = KindDenunciation
		if err := s.sealPetitioner(&p); err != nil {
			return Case{}, "", Petition{}, err
		}
	}
	markHandled(&p, s.today())
	if err := s.Store.UpdatePetition(ctx, &p, a.record(ActionLink, "petition:"+strconv.FormatInt(id, 10), "case:"+c.Code)); err != nil {
		return Case{}, "", Petition{}, err
	}
	if err := s.linkPetitionDocuments(ctx, a, &c, p); err != nil {
		return Case{}, "", Petition{}, err
	}
	return c, pin, redactPetition(p), nil
}

// linkPetitionDocuments files the petition's documents into the case it opened:
// its scanned letter and, for an online petition, every attachment the citizen
// sent. They are the petition's own, so the actor's right to see them is not
// asked (a denunciation's files are confidential from their claim on); each is
// judged anew in the case (s.link), as any linked document is. A document
// already filed in a case, retracted or gone is left alone.
func (s *Service) linkPetitionDocuments(ctx context.Context, a Actor, c *Case, p Petition) error {
	ids := []string{}
	if p.DocumentID != "" {
		ids = append(ids, p.DocumentID)
	}
	if o, err := s.Store.OnlinePetition(ctx, p.ID); err == nil {
		ids = append(ids, o.Documents...)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return err
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		d, err := s.Docs.Document(ctx, id)
		if errors.Is(err, errs.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if d.Retracted || d.CaseCode != "" {
			continue
		}
		if err := s.link(ctx, a, c, &d, "petition", d.Status == ingest.StatusStored); err != nil {
			return err
		}
	}
	return nil
}

// RecordReception enters a visit in the reception log. Visitors who came to
// denounce are sealed.
func (s *Service) RecordReception(ctx context.Context, a Actor, r Reception) (Reception, error) {
	if err := a.require(PermReceptionWrite); err != nil {
		return Reception{}, err
	}
	if r.UnitID == 0 {
		r.UnitID = a.User.UnitID
	}
	var probs errs.Problems
	if r.At.IsZero() {
		r.At = s.now()
	} else {
		checkDate(&probs, "at", "thời điểm tiếp", "the time of the visit", r.At.In(vietnam), s.today(), false)
	}
	if r.OfficerID == 0 {
		r.OfficerID = a.User.ID
	}
	r.ID, r.CaseID, r.CreatedBy = 0, 0, a.User.ID
	cleanReception(&probs, &r)
	if r.GroupSize < len(r.Visitors) {
		r.GroupSize = len(r.Visitors)
	}
	if r.Kind != "" && !r.Kind.Valid() {
		probs.Add("kind", enum.Unknown("phân loại", "kind", r.Kind, Kinds))
	}
	if !ValidOutcome(r.Outcome) {
		probs.Add("outcome", enum.Unknown("kết quả tiếp", "outcome", r.Outcome, Outcomes))
	}
	if len(r.Visitors) == 0 {
		probs.Add("visitors", "cần ít nhất một công dân được tiếp (at least one visitor)")
	}
	if err := probs.Err(); err != nil {
		return Reception{}, err
	}
	if !a.seesUnit(r.UnitID) {
		return Reception{}, notFound(fmt.Sprintf("unit %d", r.UnitID))
	}
	visitors := r.Visitors
	if r.Kind == KindDenunciation {
		r.Content = maskIdentities(r.Content, visitors...)
	}
	if err := s.sealVisitors(&r); err != nil {
		return Reception{}, err
	}
	if err := s.Store.CreateReception(ctx, &r, a.record(ActionCreate, "", "kind="+string(r.Kind))); err != nil {
		return Reception{}, fmt.Errorf("record reception: %w", err)
	}
	if r.Secret {
		var fresh []identity
		for _, v := range visitors {
			fresh = append(fresh, identity{needles: needlesOf(v)})
		}
		if err := s.protectUnit(ctx, a, r.UnitID, fresh); err != nil {
			return Reception{}, err
		}
	}
	return redactReception(r), nil
}

func (s *Service) sealVisitors(r *Reception) error {
	if r.Secret || r.Kind != KindDenunciation {
		return nil
	}
	if s.Sealer == nil {
		return fmt.Errorf("no sealing key configured: the identity of a denouncer cannot be stored")
	}
	sealed, err := s.Sealer.Seal(r.Visitors, "reception")
	if err != nil {
		return err
	}
	r.Secret, r.Sealed, r.Visitors = true, sealed, nil
	return nil
}

func redactReception(r Reception) Reception {
	if r.Secret {
		r.Visitors, r.Sealed, r.Redacted = nil, "", true
	}
	return r
}

// Reception returns one log entry; sealed visitors are opened only for an actor
// granted on the case the visit opened, and that read is recorded.
func (s *Service) Reception(ctx context.Context, a Actor, id int64) (Reception, error) {
	r, err := loadOrigin(ctx, a, PermReceptionRead, s.Store.Reception, id)
	if err != nil {
		return Reception{}, err
	}
	if !r.Secret {
		return r, nil
	}
	ok, err := s.openGranted(ctx, a, r.CaseID, r.Sealed, "reception", "reception:"+strconv.FormatInt(id, 10), &r.Visitors)
	if err != nil || !ok {
		return redactReception(r), err
	}
	r.Sealed = ""
	return r, nil
}

// PetitionListed returns one petition as a list shows it: a sealed sender stays
// sealed for everyone (granted or not), so nothing is opened and no read of it
// is recorded. A report's drill-down lists petitions with it.
func (s *Service) PetitionListed(ctx context.Context, a Actor, id int64) (Petition, error) {
	p, err := loadOrigin(ctx, a, PermPetitionRead, s.Store.Petition, id)
	if err != nil {
		return Petition{}, err
	}
	return redactPetition(p), nil
}

// ReceptionListed returns one visit of the log as a list shows it: sealed
// visitors stay sealed, nothing is opened or recorded (as PetitionListed).
func (s *Service) ReceptionListed(ctx context.Context, a Actor, id int64) (Reception, error) {
	r, err := loadOrigin(ctx, a, PermReceptionRead, s.Store.Reception, id)
	if err != nil {
		return Reception{}, err
	}
	return redactReception(r), nil
}

// Receptions lists the log in the actor's scope, denouncers redacted.
func (s *Service) Receptions(ctx context.Context, a Actor, f ReceptionFilter) ([]Reception, int, error) {
	if err := a.require(PermReceptionRead); err != nil {
		return nil, 0, err
	}
	f.UnitIDs = narrow(a, f.UnitIDs)
	list, total, err := s.Store.Receptions(ctx, f)
	for i := range list {
		list[i] = redactReception(list[i])
	}
	return list, total, err
}

// OpenCaseFromReception opens a case from a visit (source: in person); the
// visitors become petitioners.
func (s *Service) OpenCaseFromReception(ctx context.Context, a Actor, id int64, in NewCase) (Case, string, Reception, error) {
	r, err := caseOrigin(ctx, a, s.Store.Reception, id, "lượt tiếp đã có hồ sơ (the visit already has a case)")
	if err != nil {
		return Case{}, "", Reception{}, err
	}
	visitors, err := s.visitors(r)
	if err != nil {
		return Case{}, "", Reception{}, err
	}
	in = in.orDefaults(NewCase{Kind: r.Kind, Source: SourceInPerson, ReceivedOn: r.At.In(vietnam), Subject: r.Content, UnitID: r.UnitID})
	if err := sealedOpensDenunciation(r.Secret, in.Kind); err != nil {
		return Case{}, "", Reception{}, err
	}
	for _, v := range visitors {
		in.Parties = append(in.Parties, Party{Role: RolePetitioner, Person: v})
	}
	// Every visitor becomes a party, besides the at most MaxParties the request
	// names.
	c, pin, err := s.createCase(ctx, a, in, MaxParties+len(visitors))
	if err != nil {
		return Case{}, "", Reception{}, err
	}
	r.CaseID, r.Outcome = c.ID, OutcomeCaseOpened
	if c.Kind == KindDenunciation && !r.Secret {
		// The visitors are the case's denouncers now: sealed in the log too.
		r.Kind, r.Content = KindDenunciation, maskIdentities(r.Content, visitors...)
		if err := s.sealVisitors(&r); err != nil {
			return Case{}, "", Reception{}, err
		}
	}
	if r.Kind == "" {
		// The case classifies what the visitors presented: the statistics count
		// it as a petition of that kind (02/XLD).
		r.Kind = c.Kind
	}
	if err := s.Store.UpdateReception(ctx, &r, a.record(ActionLink, "reception:"+strconv.FormatInt(id, 10), "case:"+c.Code)); err != nil {
		return Case{}, "", Reception{}, err
	}
	return c, pin, redactReception(r), nil
}

// sealedOpensDenunciation refuses to open a case of another kind than a
// denunciation from a letter or a visit whose people are sealed: they become the
// case's petitioners, sealed only in a denunciation (secretRole), so a complaint
// opened from them (the kind given in the request, or the letter reclassified,
// which stays sealed) would show a denouncer to every reader of the case.
func sealedOpensDenunciation(sealed bool, k Kind) error {
	if !sealed || k == KindDenunciation {
		return nil
	}
	var probs errs.Problems
	probs.Add("kind", "người tố cáo của đơn hoặc lượt tiếp này được giữ bí mật: chỉ mở được hồ sơ tố cáo "+
		"(the denouncer of this letter or visit is kept secret: it opens only a denunciation case)")
	return probs.Err()
}

// origin is a letter (Petition) or a visit (Reception): what a case is opened from.
type origin interface {
	// where returns the unit, the case (0 when none yet) and the name in errors.
	where() (unitID, caseID int64, name string)
}

func (p Petition) where() (int64, int64, string) {
	return p.UnitID, p.CaseID, fmt.Sprintf("petition %d", p.ID)
}

func (r Reception) where() (int64, int64, string) {
	return r.UnitID, r.CaseID, fmt.Sprintf("reception %d", r.ID)
}

// loadOrigin loads the letter or visit id for an actor with permission perm; one
// outside the actor's units is not found.
func loadOrigin[T origin](ctx context.Context, a Actor, perm Permission, load func(context.Context, int64) (T, error), id int64) (T, error) {
	var zero T
	if err := a.require(perm); err != nil {
		return zero, err
	}
	o, err := load(ctx, id)
	if err != nil {
		return zero, err
	}
	if unitID, _, name := o.where(); !a.seesUnit(unitID) {
		return zero, notFound(name)
	}
	return o, nil
}

// caseOrigin loads the letter or visit id to open a case from; one that has a case
// already is a conflict (hasCase says so).
func caseOrigin[T origin](ctx context.Context, a Actor, load func(context.Context, int64) (T, error), id int64, hasCase string) (T, error) {
	o, err := loadOrigin(ctx, a, PermCaseCreate, load, id)
	if err != nil {
		return o, err
	}
	if _, caseID, _ := o.where(); caseID != 0 {
		var zero T
		return zero, errs.Errorf(errs.Conflict, "%s", hasCase)
	}
	return o, nil
}

// petitioner is a letter's sender, opened when sealed (for the system's own use:
// opening a case, looking for the identity in texts; never shown from here).
func (s *Service) petitioner(p Petition) (Person, error) {
	if !p.Secret {
		return p.Petitioner, nil
	}
	var who Person
	if err := s.Sealer.Open(p.Sealed, "petition", &who); err != nil {
		return Person{}, fmt.Errorf("open petition %d: %w", p.ID, err)
	}
	return who, nil
}

// visitors are a visit's visitors, opened when sealed (as petitioner).
func (s *Service) visitors(r Reception) ([]Person, error) {
	if !r.Secret {
		return r.Visitors, nil
	}
	var who []Person
	if err := s.Sealer.Open(r.Sealed, "reception", &who); err != nil {
		return nil, fmt.Errorf("open reception %d: %w", r.ID, err)
	}
	return who, nil
}

// orDefaults fills what a request to open a case leaves out with what the letter
// or the visit it comes from says.
func (in NewCase) orDefaults(d NewCase) NewCase {
	in.Kind, in.Source = cmp.Or(in.Kind, d.Kind), cmp.Or(in.Source, d.Source)
	if in.ReceivedOn.IsZero() {
		in.ReceivedOn = d.ReceivedOn
	}
	in.Subject, in.Summary, in.UnitID = cmp.Or(in.Subject, d.Subject), cmp.Or(in.Summary, d.Summary), cmp.Or(in.UnitID, d.UnitID)
	return in
}
