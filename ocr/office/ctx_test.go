package office

import "context"

func testContext() context.Context { return context.Background() }
