package cases

import "context"

// PortalGenerationStore is a PublicationStore that keeps a number changed in the
// same transaction as every change to what the portal's published list shows
// (a publication posted, taken down or changed; a document retracted; a unit
// added or renamed). Equal numbers read at two moments mean the list has not
// changed between them, on whichever server made the change.
type PortalGenerationStore interface {
	PortalGeneration(ctx context.Context) (int64, error)
}

// PortalGeneration is the publications store's generation (see
// PortalGenerationStore); ok is false when the store keeps none, and then
// nothing the portal shows of the published list may be cached.
func (s *Service) PortalGeneration(ctx context.Context) (gen int64, ok bool, err error) {
	g, isGen := s.Publications.(PortalGenerationStore)
	if !isGen || s.Publications == nil {
		return 0, false, nil
	}
	gen, err = g.PortalGeneration(ctx)
	return gen, err == nil, err
}

// PublicDocumentStore is a PublicationStore that lists a case's posted copies as
// the portal shows them (PublicDocument), newest first, at most limit: the
// lookup's list, read from an index alone.
type PublicDocumentStore interface {
	PublicDocuments(ctx context.Context, caseCode string, limit int) ([]PublicDocument, error)
}
