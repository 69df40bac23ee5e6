package cases

// The closed sets of values the API takes, in display order: the messages that
// refuse a value list them (internal/enum), and so does the OpenAPI description.

// Sources lists the sources.
var Sources = []Source{SourceInPerson, SourcePost, SourceTransferred, SourceOnline}

// Results lists the results a case may be decided with (the empty result, no
// decision yet, is left out).
var Results = []Result{ResultRight, ResultWrong, ResultPartly, ResultWithdrawn}

// PartyRoles lists the party roles.
var PartyRoles = []PartyRole{RolePetitioner, RoleRespondent, RoleRepresentative, RoleRelated}

// Admissibilities, Competences and Handlings list a petition's decisions (each
// may also be empty: not decided yet).
var (
	Admissibilities = []Admissibility{Admissible, Inadmissible}
	Competences     = []Competence{Competent, Incompetent}
	Handlings       = []Handling{HandlingAccept, HandlingGuide, HandlingTransfer, HandlingFile}
)

// Outcomes lists a visit's outcomes (it may also be empty).
var Outcomes = []string{OutcomeGuided, OutcomeLetterTaken, OutcomeAnswered, OutcomeTransferred, OutcomeCaseOpened}
